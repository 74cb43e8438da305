import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The dependency rules of docs/architecture.md, checked on every import in src/: `platform` knows no domain;
 * `access` and `audit` know only `platform`; a feature folder reaches another feature only through its index.ts.
 */
const FEATURES = ['organisations', 'providers', 'visits', 'signals', 'enforcement'];
const LOWER_LAYERS: Record<string, readonly string[]> = { platform: [], access: ['platform'], audit: ['platform', 'access'] };

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : full.endsWith('.ts') ? [full] : [];
  });
}

function imports(file: string): Array<{ target: string; folder: string; rest: string }> {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/from '(\.[^']+)'/g)].flatMap(([, specifier]) => {
    const target = path.relative('src', path.resolve(path.dirname(file), specifier!));
    if (target.startsWith('..')) return [];
    const [folder, ...rest] = target.split(path.sep);
    return [{ target, folder: folder!, rest: rest.join('/') }];
  });
}

const files = sourceFiles('src').map((file) => ({ file, folder: path.relative('src', file).split(path.sep)[0]! }));

describe('dependency rules', () => {
  it('a feature reaches another feature only through its index.ts', () => {
    const violations = files
      .filter(({ folder }) => FEATURES.includes(folder))
      .flatMap(({ file, folder }) =>
        imports(file)
          .filter((target) => FEATURES.includes(target.folder) && target.folder !== folder && target.rest !== 'index.js')
          .map((target) => `${file} imports ${target.target}`),
      );
    expect(violations).toEqual([]);
  });

  it.each(Object.entries(LOWER_LAYERS))('%s imports no feature and no higher layer', (layer, allowed) => {
    const violations = files
      .filter(({ folder }) => folder === layer)
      .flatMap(({ file }) =>
        imports(file)
          .filter((target) => target.folder !== layer && !allowed.includes(target.folder) && !target.folder.endsWith('.js'))
          .map((target) => `${file} imports ${target.target}`),
      );
    expect(violations).toEqual([]);
  });

  it('finds the imports it checks (the rule is not vacuous)', () => {
    expect(imports('src/visits/visit-read.service.ts').some((target) => target.target === 'providers/index.js')).toBe(true);
  });
});
