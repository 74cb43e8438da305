import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

/**
 * Node 20 is what the machines here have; Node 24 is the current LTS that the Docker image and the second CI run
 * use. Every installed package must say it runs on both — a dependency that moves to `node >= 22` shows here,
 * not in production.
 */
const SUPPORTED = ['20.19.0', '24.0.0'];

describe('supported Node versions', () => {
  const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, { version?: string; engines?: { node?: string } | string[] }> };
  const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } };

  it('the project itself admits both', () => {
    for (const version of SUPPORTED) expect(semver.satisfies(version, manifest.engines.node), version).toBe(true);
  });

  it('every package in the lock file admits both', () => {
    const refusing: string[] = [];
    for (const [name, entry] of Object.entries(lock.packages)) {
      const range = !name || Array.isArray(entry.engines) ? undefined : entry.engines?.node;
      if (!range) continue;
      for (const version of SUPPORTED) if (!semver.satisfies(version, range)) refusing.push(`${name}@${entry.version} (node ${range}) refuses ${version}`);
    }
    expect(refusing).toEqual([]);
  });

  it('the Docker image runs the current LTS', () => {
    const from = [...readFileSync('Dockerfile', 'utf8').matchAll(/^FROM node:(\d+)/gm)].map((match) => match[1]);
    expect(from.length).toBeGreaterThan(0);
    expect(new Set(from)).toEqual(new Set(['24']));
  });
});
