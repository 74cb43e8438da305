import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkDocument } from './doc-references.js';
import { collectKnown, documents, type Known } from './known.js';

/**
 * The documentation names only things that exist. README.md and every docs/**\/*.md are read line by line; a
 * finding reads "docs/x.md:12 names `FOO`, which is not …".
 *
 * What counts as a reference:
 * - a **path**: a code span such as `src/access/scope.ts`, `docs/`, `package.json` or `*.loaders.ts` (a `/`, or a
 *   file extension, no spaces). It must exist from the repository root or from the document's folder; a bare file
 *   name (`policy.ts`) may be anywhere in the repository; a glob must match something. Paths under a directory
 *   that .gitignore lists (`.data/`, `dist/`) only exist once the project runs, and absolute paths (`/healthz`,
 *   `/var/tmp/…`) are not in the repository: neither is checked.
 * - a **Markdown link** [x](routing.md#deciding): relative to the document's folder, as a Markdown viewer resolves
 *   it; the `#anchor` is dropped; links with a scheme (https:, mailto:) are not checked.
 * - an **npm command** in a code span or a code block: `npm run <script>` needs the script in package.json, as do
 *   `npm start` and `npm test`; anything else must be an npm builtin (`npm ci`).
 * - an **environment variable**: a capitalised name in the first column of a table headed "variable", written
 *   as `NAME=…`, or next to the word "variable" (and `docker -e NAME=…` in a code block). The code must read it:
 *   `process.env.NAME`, `env.NAME` in src/ or test/, or `value('NAME')` in src/platform/config.ts.
 * - any other **capitalised name** in a code span (`PLANNED`, `OM-STRAFBAAR-FEIT`): a value of an enum in
 *   schema/schema.graphql, or an error code (`ErrorCode`, and the GraphQL layer's own), role, action, routing rule
 *   id, organisation code (`GM` + 4 digits included), capitalised constant exported by src/, environment variable
 *   read by the code — or a word of PostgreSQL (`UPDATE`) or of the Dockerfile (`HEALTHCHECK`).
 *
 * Things deliberately not built yet: a line that says **(planned)** — a table row is one line — is not checked.
 * The marker must stand on the line that names the thing, so a soft-wrapped paragraph needs it on each line that
 * names something planned. Write "(planned)" (or "(planned: …)"), not just "planned": planned visits are the domain.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const known = collectKnown(ROOT);

describe('the documentation names only things that exist', () => {
  it.each(documents(ROOT))('%s', (doc) => {
    expect(checkDocument(doc, readFileSync(path.join(ROOT, doc), 'utf8'), known)).toEqual([]);
  });

  it('reads README.md and the docs folder, decisions included', () => {
    expect(documents(ROOT)).toEqual(expect.arrayContaining(['README.md', 'docs/glossary.md', 'docs/decisions/README.md']));
  });

  it('knows what the code defines (so a collector broken by a refactoring fails here, not silently)', () => {
    expect([...known.scripts]).toEqual(expect.arrayContaining(['start', 'test', 'docs:emit', 'bench']));
    expect([...known.envVariables]).toEqual(expect.arrayContaining(['DATABASE_URL', 'CONFLICT_MARGIN_DAYS', 'TEST_LOG_LEVEL']));
    expect([...known.names]).toEqual(
      expect.arrayContaining([
        'PLANNED', // VisitStatus
        'BAD_USER_INPUT', // ErrorCode
        'INTERNAL_SERVER_ERROR', // set by the GraphQL layer
        'PROSECUTOR', // Role
        'OM-STRAFBAAR-FEIT', // routing rule id
        'ZORGINSPECTIE', // organisation code
        'MUNICIPALITY_OF_LOCATION', // exported constant
      ]),
    );
    expect(known.paths.has('src/access/scope.ts')).toBe(true);
    expect(known.generatedRoots).toContain('.data');
  });
});

describe('the checker itself', () => {
  /** A tiny repository: what a self-test document may name. */
  const tiny: Known = {
    paths: new Set(['src', 'src/access', 'src/access/scope.ts', 'src/access/policy.ts', 'docs', 'docs/routing.md', 'package.json']),
    generatedRoots: ['.data', 'dist'],
    scripts: new Set(['start', 'test', 'token']),
    envVariables: new Set(['PORT']),
    names: new Set(['PLANNED', 'IGJ']),
    namePatterns: [(name) => /^GM\d{4}$/.test(name)],
  };
  const check = (markdown: string, doc = 'docs/x.md') => checkDocument(doc, markdown, tiny);

  it('accepts what exists', () => {
    const markdown = [
      'See `src/access/scope.ts`, `src/access/` and `policy.ts`; [routing](routing.md#deciding), [home](https://example.org/x.md).',
      'Run `npm ci && npm start`, then `npm run -s token -- --org IGJ`; data lives in `.data/postgres`, routes at `/healthz`.',
      'Status `PLANNED`, organisations `IGJ` and `GM0363`; `PORT=4001 npm start`.',
      '```sh',
      'TOKEN=$(npm run -s token)',
      '```',
    ].join('\n');
    expect(check(markdown)).toEqual([]);
  });

  it('catches a file path that does not exist, naming document and line', () => {
    expect(check('Intro.\nThe rules live in `src/access/rules.ts`.')).toEqual([
      'docs/x.md:2 names `src/access/rules.ts`, which does not exist (neither from the repository root nor from docs/)',
    ]);
  });

  it('hints at src/ when the path is written relative to it', () => {
    expect(check('See `access/scope.ts`.')).toEqual([
      'docs/x.md:1 names `access/scope.ts`, which does not exist (neither from the repository root nor from docs/) (did you mean `src/access/scope.ts`?)',
    ]);
  });

  it('catches a relative link that does not resolve from the document', () => {
    expect(check('See [visits](visits.md#conflicts).')).toEqual(['docs/x.md:1 names `visits.md` in a link, which does not exist (relative to docs/)']);
    expect(check('See [routing](docs/routing.md).', 'README.md')).toEqual([]);
  });

  it('catches an npm script that does not exist, in prose and in code blocks', () => {
    expect(check('Run `npm run frobnicate -- --all`.\n```sh\nnpm run -s docs:lint\n```\n`npm bench`')).toEqual([
      'docs/x.md:1 names `npm run frobnicate`, which is not a script in package.json',
      'docs/x.md:3 names `npm run docs:lint`, which is not a script in package.json',
      'docs/x.md:5 names `npm bench`, which is neither an npm command nor a script in package.json',
    ]);
  });

  it('catches an environment variable the code does not read', () => {
    const markdown = ['| variable | meaning |', '| --- | --- |', '| `PORT` | port |', '| `LISTEN_BACKLOG` | backlog |', '', 'Set `MAX_PAGE=50`.'].join('\n');
    expect(check(markdown)).toEqual([
      'docs/x.md:4 names `LISTEN_BACKLOG` as an environment variable, which the code does not read',
      'docs/x.md:6 names `MAX_PAGE` as an environment variable, which the code does not read',
    ]);
  });

  it('catches an enum value (or any capitalised name) the code does not define', () => {
    expect(check('A visit is `PLANNED` or `POSTPONED`.')).toEqual([
      'docs/x.md:1 names `POSTPONED`, which is not a value of an enum in schema/schema.graphql, nor an error code, role, ' +
        'action, routing rule id, organisation code, exported constant or environment variable the code defines',
    ]);
  });

  it('exempts a line, or a table row, that says (planned)', () => {
    const markdown = [
      'Enforcement measures such as `AANWIJZING` (planned) will be recorded by `npm run measures:import` (planned).',
      '| `LAST_ONDER_DWANGSOM` | penalty payment | (planned: not built yet) |',
      'Visits that are planned, such as `POSTPONED` ones.',
    ].join('\n');
    expect(check(markdown)).toEqual([expect.stringMatching(/^docs\/x\.md:3 names `POSTPONED`/)]);
  });
});
