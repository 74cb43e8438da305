/**
 * Documents in docs/ carry tables generated from the code between `<!-- BEGIN GENERATED: name -->` and
 * `<!-- END GENERATED: name -->`; `npm run docs:emit` rewrites them and tests compare them, so they cannot drift.
 */
export function replaceGeneratedBlock(document: string, name: string, body: string, file: string): string {
  const pattern = new RegExp(`(<!-- BEGIN GENERATED: ${name} -->)[\\s\\S]*?(<!-- END GENERATED: ${name} -->)`);
  if (!pattern.test(document)) throw new Error(`${file} lacks the generated block "${name}"`);
  return document.replace(pattern, (_match, begin: string, end: string) => `${begin}\n${body}\n${end}`);
}
