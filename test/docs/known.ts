import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Kind, parse } from 'graphql';
import { isMunicipalityCode, NATIONAL_ORGANISATIONS } from '../../src/access/organisations.js';
import { ACTIONS } from '../../src/access/policy.js';
import { ALL_ROLES } from '../../src/access/roles.js';
import { OM_AANGIFTE, RULE_SETS } from '../../src/signals/routing-rules.js';

// What the repository has, read from its files and its code: what the documents are checked against
// (doc-references.ts).

/** What the repository really has: the names a document may use. */
export interface Known {
  /** Every file and directory, relative to the repository root, `/`-separated, without trailing slash. */
  paths: ReadonlySet<string>;
  /** Top-level directories that only running the project creates (from .gitignore): paths under them are not checked. */
  generatedRoots: readonly string[];
  /** The scripts of package.json. */
  scripts: ReadonlySet<string>;
  /** The environment variables the code reads. */
  envVariables: ReadonlySet<string>;
  /** Every other capitalised name the code defines: enum values, error codes, roles, rule ids, organisation codes, constants, … */
  names: ReadonlySet<string>;
  /** Capitalised names defined by a pattern rather than a list (the municipality codes `GM` + 4 digits). */
  namePatterns: ReadonlyArray<(name: string) => boolean>;
}

/** README.md and every docs/**\/*.md, relative to the root. */
export function documents(root: string): string[] {
  return ['README.md', ...walk(root, 'docs', () => false).filter((file) => file.endsWith('.md'))].sort();
}

export function collectKnown(root: string): Known {
  const generatedRoots = readFileSync(path.join(root, '.gitignore'), 'utf8')
    .split('\n')
    .map((entry) => entry.trim())
    .filter((entry) => /^[\w.-]+\/?$/.test(entry))
    .map((entry) => entry.replace(/\/$/, ''));
  const skip = (relative: string) => relative === '.git' || generatedRoots.includes(relative);
  const paths = new Set<string>();
  for (const file of walk(root, '', skip)) {
    paths.add(file);
    for (let dir = path.posix.dirname(file); dir !== '.'; dir = path.posix.dirname(dir)) paths.add(dir);
  }
  const packageJson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  return {
    paths,
    generatedRoots,
    scripts: new Set(Object.keys(packageJson.scripts)),
    envVariables: environmentVariablesRead(root),
    names: new Set([
      ...schemaEnumValues(readFileSync(path.join(root, 'schema/schema.graphql'), 'utf8')),
      ...errorCodes(root),
      ...ALL_ROLES,
      ...Object.keys(ACTIONS),
      ...RULE_SETS.flatMap((set) => set.rules.map((rule) => rule.id)),
      OM_AANGIFTE.id,
      ...exportedConstants(root),
      ...NATIONAL_ORGANISATIONS.map((organisation) => organisation.code),
      'GM', // the prefix of the municipality codes (`GM` + 4 digits)
      ...dockerfileInstructions(root),
      ...SQL_COMMANDS,
    ]),
    namePatterns: [isMunicipalityCode],
  };
}

/** The SQL commands the docs talk about (the audit log refuses them); they are PostgreSQL's, not ours. */
const SQL_COMMANDS = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE'];

export function schemaEnumValues(sdl: string): string[] {
  return parse(sdl).definitions.flatMap((definition) =>
    definition.kind === Kind.ENUM_TYPE_DEFINITION ? (definition.values ?? []).map((value) => value.name.value) : [],
  );
}

/** The `ErrorCode` union, plus the codes the GraphQL layer sets itself (e.g. INTERNAL_SERVER_ERROR). */
function errorCodes(root: string): string[] {
  const errors = readFileSync(path.join(root, 'src/platform/errors.ts'), 'utf8');
  const union = /export type ErrorCode =([^;]+);/.exec(errors)?.[1] ?? '';
  const set = walk(root, 'src/platform', () => false)
    .filter((file) => file.endsWith('.ts'))
    .flatMap((file) => [...readFileSync(path.join(root, file), 'utf8').matchAll(/\bcode: '([A-Z_]+)'/g)].map((match) => match[1]!));
  return [...[...union.matchAll(/'([A-Z_]+)'/g)].map((match) => match[1]!), ...set];
}

/** `process.env.X`, `env.X`, `env['X']` in src/ and test/, and `value('X')` in src/platform/config.ts. */
export function environmentVariablesRead(root: string): Set<string> {
  const names = new Set<string>();
  const reads = [/\benv\.([A-Z][A-Z0-9_]*)\b/g, /\benv\[['"]([A-Z][A-Z0-9_]*)['"]\]/g];
  const files = [...walk(root, 'src', () => false), ...walk(root, 'test', (relative) => relative === 'test/docs')];
  for (const file of files.filter((name) => name.endsWith('.ts'))) {
    const source = readFileSync(path.join(root, file), 'utf8');
    for (const read of reads) for (const match of source.matchAll(read)) names.add(match[1]!);
  }
  const config = readFileSync(path.join(root, 'src/platform/config.ts'), 'utf8');
  for (const match of config.matchAll(/\bvalue\('([A-Z][A-Z0-9_]*)'\)/g)) names.add(match[1]!);
  return names;
}

/** Capitalised constants exported by src/: `PROVIDER_REACH` (the source of a generated table), `MUNICIPALITY_OF_LOCATION`. */
function exportedConstants(root: string): string[] {
  return walk(root, 'src', () => false)
    .filter((file) => file.endsWith('.ts'))
    .flatMap((file) => [...readFileSync(path.join(root, file), 'utf8').matchAll(/^export const ([A-Z][A-Z0-9_]*)\b/gm)].map((match) => match[1]!));
}

function dockerfileInstructions(root: string): string[] {
  try {
    return [...readFileSync(path.join(root, 'Dockerfile'), 'utf8').matchAll(/^([A-Z]+)\s/gm)].map((match) => match[1]!);
  } catch {
    return [];
  }
}

/** Files under `dir` (relative to root, `/`-separated), not descending into directories `skip` refuses. */
function walk(root: string, dir: string, skip: (relative: string) => boolean): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const relative = dir ? `${dir}/${entry.name}` : entry.name;
    if (skip(relative)) continue;
    if (entry.isDirectory()) files.push(...walk(root, relative, skip));
    else files.push(relative);
  }
  return files;
}
