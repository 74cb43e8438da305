import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/platform/database/embedded.js';
import { createTestDatabase } from '../support/test-app.js';

/** The built server and commands, run as processes the way a user runs them. */
describe('npm run token', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'samenloop-token-'));
  const token = (...args: string[]) =>
    spawnSync(process.execPath, ['dist/src/cli/token.js', ...args], { env: { ...process.env, DATA_DIR: dataDir, NODE_ENV: 'development', TRUSTED_ISSUERS_FILE: '' }, encoding: 'utf8' });

  it('prints a token of the development issuer for the organisation and roles asked', () => {
    const result = token('--org', 'GM0363', '--roles', 'PLANNER,COORDINATOR', '--sub', 'anna');
    expect(result.status).toBe(0);
    const claims = decodeJwt(result.stdout.trim());
    expect(claims).toMatchObject({ org: 'GM0363', roles: ['PLANNER', 'COORDINATOR'], sub: 'anna', aud: 'samenloop' });
    expect(claims.exp! - claims.iat!).toBe(12 * 3600);
  });

  it.each([
    [['--org', 'POLITIE', '--roles', 'PLANNER'], /--org must be an organisation code/],
    [['--org', 'IGJ', '--roles', 'BOSS'], /unknown role\(s\) BOSS/],
    [['--org', 'IGJ'], /--roles needs at least one/],
    [['--org', 'IGJ', '--roles', 'PLANNER', '--ttl', 'forever'], /--ttl must look like/],
  ])('explains bad arguments %j', (args, message) => {
    const result = token(...args);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});

describe('the server process', () => {
  let server: ChildProcess;
  let port: number;
  let output = '';
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'samenloop-server-'));
  const env = () => ({ ...process.env, DATA_DIR: dataDir, NODE_ENV: 'development', TRUSTED_ISSUERS_FILE: '', LOG_LEVEL: 'info' });

  beforeAll(async () => {
    port = await freePort();
    const database = await createTestDatabase();
    server = spawn(process.execPath, ['dist/src/main.js'], {
      env: { ...env(), PORT: String(port), DATABASE_URL: database.appUrl, DATABASE_OWNER_URL: database.ownerUrl },
    });
    server.stdout!.on('data', (chunk) => (output += chunk));
    server.stderr!.on('data', (chunk) => (output += chunk));
    for (let attempt = 0; attempt < 100; attempt++) {
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then((response) => response.ok, () => false);
      if (ready) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`server did not become ready:\n${output}`);
  });
  afterAll(() => {
    if (server.exitCode === null) server.kill('SIGKILL');
  });

  it('uses DATABASE_URL, loads the demo data and prints ready demo tokens', async () => {
    expect(output).toContain(`GraphQL + GraphiQL:  http://127.0.0.1:${port}/graphql`);
    const printed = /OM prosecutor \(OM: PROSECUTOR\)\n\s+(\S+)/.exec(output)?.[1];
    expect(decodeJwt(printed!)).toMatchObject({ org: 'OM', roles: ['PROSECUTOR'] });

    const cli = spawnSync(process.execPath, ['dist/src/cli/token.js', '--org', 'GM0363', '--roles', 'PLANNER'], { env: env(), encoding: 'utf8' });
    const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${cli.stdout.trim()}` },
      body: JSON.stringify({ query: '{ me { organisation { code name } } providers { totalCount } }' }),
    });
    const body = (await response.json()) as any;
    expect(body.data.me.organisation).toEqual({ code: 'GM0363', name: 'Gemeente Amsterdam' });
    expect(body.data.providers.totalCount).toBe(2);
  });

  it('stops cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toMatch(/"msg":"stopped"/);
  });
});
