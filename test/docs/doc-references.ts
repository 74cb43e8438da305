import path from 'node:path';
import type { Known } from './known.js';

/**
 * The extractor and checker behind test/docs/references.test.ts (the conventions are described there).
 * Everything here works on one document at a time and on a `Known` — what the repository really has (known.ts) — so
 * that the checker itself can be tested on tiny inline documents.
 */

/** One line of a document, with what the checker needs to know about where it stands. */
export interface DocLine {
  number: number;
  text: string;
  /** Inside a fenced code block (```): only npm commands and `docker -e` variables are read there. */
  fenced: boolean;
  /** A row of a table whose first header cell is "variable": its first cell names environment variables. */
  variableRow: boolean;
  /** The line says "(planned)": what it names is deliberately not built yet, and not checked. */
  planned: boolean;
}

const PLANNED = /\(planned\b/i;
const FENCE = /^\s*(```|~~~)/;

export function docLines(markdown: string): DocLine[] {
  const lines: DocLine[] = [];
  let fenced = false;
  let variableTable = false;
  let inTable = false;
  markdown.split('\n').forEach((text, index) => {
    if (FENCE.test(text)) {
      fenced = !fenced;
      return;
    }
    const tableRow = !fenced && text.trimStart().startsWith('|');
    if (tableRow && !inTable) variableTable = firstCell(text).toLowerCase() === 'variable';
    inTable = tableRow;
    lines.push({
      number: index + 1,
      text,
      fenced,
      variableRow: tableRow && variableTable && !/^\|[\s|:-]+$/.test(text.trim()),
      planned: PLANNED.test(text),
    });
  });
  return lines;
}

function firstCell(row: string): string {
  return row.trim().replace(/^\|/, '').split('|')[0]!.trim();
}

/** The contents of the inline code spans of a line. */
export function codeSpans(text: string): string[] {
  return [...text.matchAll(/`([^`]+)`/g)].map((match) => match[1]!.trim());
}

// ---------------------------------------------------------------------------------------------------------------
// The extractors: one per kind of reference, each from one line.

const FILE_EXTENSIONS = /\.(ts|js|mjs|cjs|json|md|graphql|sql|ya?ml|sh|txt|html|css|lock|toml)$/;

/** Code spans that are file or directory paths: `src/access/scope.ts`, `docs/`, `package.json`, `*.loaders.ts`. */
export function pathReferences(line: DocLine): string[] {
  if (line.fenced) return [];
  return codeSpans(line.text).filter(
    (span) =>
      /^[\w.*/-]+$/.test(span) &&
      !span.startsWith('/') && // an absolute path or a URL path (`/healthz`): not in the repository
      (span.includes('/') || FILE_EXTENSIONS.test(span)),
  );
}

/** Targets of relative Markdown links, without their `#anchor`: [x](routing.md#deciding) → routing.md. */
export function linkTargets(line: DocLine): string[] {
  if (line.fenced) return [];
  const prose = line.text.replace(/`[^`]+`/g, '');
  const inline = [...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((match) => match[1]!);
  const definition = /^\s*\[[^\]]+\]:\s*<?(\S+?)>?(\s|$)/.exec(prose)?.[1];
  return [...inline, ...(definition ? [definition] : [])]
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith('#'))
    .map((target) => decoded(target.replace(/[#?].*$/, '')));
}

function decoded(target: string): string {
  try {
    return decodeURI(target);
  } catch {
    return target; // a malformed %-escape: check the target as written
  }
}

/** npm invocations, as the words after `npm`: `npm run -s token -- --org IGJ` → ['run', '-s', 'token', …]. */
export function npmCommands(line: DocLine): string[][] {
  const sources = line.fenced ? [line.text] : codeSpans(line.text);
  return sources.flatMap((source) =>
    [...source.matchAll(/(?:^|[\s($;&|])npm\s+([^;&|)]+)/g)].map((match) => match[1]!.trim().split(/\s+/)),
  );
}

/** Capitalised names written as environment variables: in a "variable" table, as `NAME=…`, or next to "variable". */
export function environmentVariables(line: DocLine): string[] {
  if (line.fenced) return [...line.text.matchAll(/(?:^|\s)(?:-e|--env)\s+([A-Z][A-Z0-9_]*)=/g)].map((match) => match[1]!);
  const names: string[] = [];
  if (line.variableRow) names.push(...codeSpans(firstCell(line.text)).filter(isCapitalisedName));
  for (const span of codeSpans(line.text)) {
    const assignment = /^([A-Z][A-Z0-9_]*)=/.exec(span);
    if (assignment) names.push(assignment[1]!);
  }
  const nearVariable = /(?:variables?\s+`([A-Z][A-Z0-9_]*)`|`([A-Z][A-Z0-9_]*)`\s+(?:environment\s+)?variables?\b)/g;
  for (const match of line.text.matchAll(nearVariable)) names.push((match[1] ?? match[2])!);
  return [...new Set(names)];
}

/** Code spans that are one capitalised name — an enum value, role, error code, rule id, organisation code, … */
export function capitalisedNames(line: DocLine): string[] {
  if (line.fenced) return [];
  return codeSpans(line.text).filter(isCapitalisedName);
}

function isCapitalisedName(text: string): boolean {
  return /^[A-Z][A-Z0-9]*(?:[_-][A-Z0-9]+)*$/.test(text) && text.length > 1;
}

// ---------------------------------------------------------------------------------------------------------------
// The checks: each turns the references of one kind into findings.

/** What `npm <command>` needs: these run a script of package.json; the builtins below need none. */
const SCRIPT_COMMANDS: Record<string, string> = { start: 'start', test: 'test', t: 'test', tst: 'test', stop: 'stop', restart: 'restart' };
const RUN_COMMANDS = new Set(['run', 'run-script', 'rum', 'urn']);
const NPM_BUILTINS = new Set([
  'ci', 'install', 'i', 'add', 'uninstall', 'update', 'exec', 'x', 'init', 'ls', 'list', 'outdated', 'audit', 'pack',
  'publish', 'version', 'view', 'config', 'cache', 'rebuild', 'prune', 'dedupe', 'help', 'doctor', 'explain', 'pkg',
]);

export function checkDocument(doc: string, markdown: string, known: Known): string[] {
  const folder = path.posix.dirname(doc) === '.' ? '' : path.posix.dirname(doc);
  const findings: string[] = [];
  for (const line of docLines(markdown)) {
    if (line.planned) continue;
    const where = `${doc}:${line.number}`;
    const variables = environmentVariables(line);
    findings.push(
      ...checkPaths(where, folder, pathReferences(line), known),
      ...checkLinks(where, folder, linkTargets(line), known),
      ...checkNpmCommands(where, npmCommands(line), known),
      ...checkEnvironmentVariables(where, variables, known),
      ...checkNames(where, capitalisedNames(line).filter((name) => !variables.includes(name)), known),
    );
  }
  return findings;
}

function checkPaths(where: string, folder: string, references: string[], known: Known): string[] {
  return references
    .filter((reference) => !isGenerated(reference, known) && !pathExists(reference, folder, known, true))
    .map((reference) => {
      const from = folder ? `the repository root nor from ${folder}/` : 'the repository root';
      const hint = pathExists(`src/${reference}`, '', known, false) ? ` (did you mean \`src/${reference}\`?)` : '';
      return `${where} names \`${reference}\`, which does not exist (neither from ${from})${hint}`;
    });
}

function checkLinks(where: string, folder: string, targets: string[], known: Known): string[] {
  return targets
    .filter((target) => !resolvesTo(path.posix.join(folder, target), known))
    .map((target) => `${where} names \`${target}\` in a link, which does not exist (relative to ${folder ? `${folder}/` : 'the repository root'})`);
}

function checkNpmCommands(where: string, commands: string[][], known: Known): string[] {
  const findings: string[] = [];
  for (const words of commands) {
    const [command, ...rest] = words.filter((word, index) => index > 0 || !word.startsWith('-'));
    if (command === undefined) continue;
    if (RUN_COMMANDS.has(command)) {
      const script = rest.find((word) => !word.startsWith('-'));
      if (script !== undefined && !known.scripts.has(script)) {
        findings.push(`${where} names \`npm run ${script}\`, which is not a script in package.json`);
      }
    } else if (command in SCRIPT_COMMANDS) {
      if (!known.scripts.has(SCRIPT_COMMANDS[command]!)) {
        findings.push(`${where} names \`npm ${command}\`, which runs the "${SCRIPT_COMMANDS[command]}" script, not in package.json`);
      }
    } else if (!NPM_BUILTINS.has(command)) {
      findings.push(`${where} names \`npm ${command}\`, which is neither an npm command nor a script in package.json`);
    }
  }
  return findings;
}

function checkEnvironmentVariables(where: string, names: string[], known: Known): string[] {
  return names
    .filter((name) => !known.envVariables.has(name))
    .map((name) => `${where} names \`${name}\` as an environment variable, which the code does not read`);
}

/** Names written as environment variables are judged by checkEnvironmentVariables, not here. */
function checkNames(where: string, names: string[], known: Known): string[] {
  return names
    .filter((name) => !known.names.has(name) && !known.envVariables.has(name) && !known.namePatterns.some((matches) => matches(name)))
    .map(
      (name) =>
        `${where} names \`${name}\`, which is not a value of an enum in schema/schema.graphql, nor an error code, role, ` +
        'action, routing rule id, organisation code, exported constant or environment variable the code defines',
    );
}

// ---------------------------------------------------------------------------------------------------------------
// Paths.

function isGenerated(reference: string, known: Known): boolean {
  const first = reference.replace(/^\.\//, '').split('/')[0]!;
  return known.generatedRoots.includes(first);
}

/** From the repository root or from the document's folder; a bare file name (`policy.ts`) anywhere in the repository. */
function pathExists(reference: string, folder: string, known: Known, bareNamesAnywhere: boolean): boolean {
  if (resolvesTo(reference, known) || (folder && resolvesTo(path.posix.join(folder, reference), known))) return true;
  if (!bareNamesAnywhere || reference.includes('/')) return false;
  const name = globPattern(reference);
  return [...known.paths].some((candidate) => name.test(path.posix.basename(candidate)));
}

function resolvesTo(reference: string, known: Known): boolean {
  const normal = path.posix.normalize(reference).replace(/\/+$/, '');
  if (normal === '' || normal === '.') return true;
  if (normal.startsWith('..')) return false;
  if (!normal.includes('*')) return known.paths.has(normal);
  const pattern = globPattern(normal);
  return [...known.paths].some((candidate) => pattern.test(candidate));
}

function globPattern(glob: string): RegExp {
  const source = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*');
  return new RegExp(`^${source}$`);
}
