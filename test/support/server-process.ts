import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/platform/database/embedded.js';
import { TestIssuer } from './test-issuer.js';

/**
 * The built server (dist/src/main.js) as its own process, in production mode, the way an operator runs it:
 * its own issuer file, key files and checkpoint directory. Several processes made from one `Installation` share
 * the keys — like the replicas of one deployment.
 */
export class Installation {
  private constructor(
    readonly issuer: TestIssuer,
    readonly dir: string,
  ) {}

  static async create(): Promise<Installation> {
    const issuer = await TestIssuer.create('replicas');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'samenloop-installation-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true })); // its keys, issuers and checkpoints
    writeFileSync(path.join(dir, 'issuers.json'), JSON.stringify([issuer.trusted()]));
    writeFileSync(path.join(dir, 'pseudonym-key'), randomBytes(32).toString('base64url'));
    writeFileSync(path.join(dir, 'audit-key'), randomBytes(32).toString('base64url'));
    return new Installation(issuer, dir);
  }

  env(databaseUrl: string, extra: Record<string, string> = {}): Record<string, string> {
    return {
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      TRUSTED_ISSUERS_FILE: path.join(this.dir, 'issuers.json'),
      PSEUDONYM_KEY_FILE: path.join(this.dir, 'pseudonym-key'),
      AUDIT_KEY_FILE: path.join(this.dir, 'audit-key'),
      AUDIT_CHECKPOINT_DIR: path.join(this.dir, 'checkpoints'),
      EVENT_SOURCE: 'urn:nld:oin:00000001234567890000:systeem:samenloop',
      DATABASE_POOL_SIZE: '8',
      LOG_LEVEL: 'warn',
      ...extra,
    };
  }

  token(org: string, roles: string[], sub?: string): Promise<string> {
    return this.issuer.token(org, roles as never, { sub });
  }
}

export interface ServerProcess {
  port: number;
  url: string;
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
  /** Sends the signal and waits for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts a server process; unless `waitReady` is false, resolves once /readyz answers 200. */
export async function startServerProcess(env: Record<string, string>, { waitReady = true, timeoutMs = 60_000 } = {}): Promise<ServerProcess> {
  const port = await freePort();
  const metricsPort = await freePort();
  const child = spawn(process.execPath, ['dist/src/main.js'], {
    env: { PATH: process.env.PATH ?? '', METRICS_PORT: String(metricsPort), ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output = (output + chunk).slice(-20_000)));
  child.stderr!.on('data', (chunk) => (output = (output + chunk).slice(-20_000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const server: ServerProcess = {
    port,
    url,
    child,
    output: () => output,
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  if (!waitReady) return server;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}) before it was ready:\n${output}`);
    if (await fetch(`${url}/readyz`).then((response) => response.ok, () => false)) return server;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`the server was not ready within ${timeoutMs} ms:\n${output}`);
}

/** A GraphQL request over HTTP; the status and the parsed body (or the failure, when there is no answer). */
export async function graphql(url: string, token: string | undefined, query: string, variables?: Record<string, unknown>): Promise<{ status: number; body: any }> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, body };
}
