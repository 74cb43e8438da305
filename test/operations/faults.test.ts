import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, startEmbeddedDatabase, type EmbeddedDatabase } from '../../src/platform/database/embedded.js';
import { migrateAsOwner } from '../../src/platform/database/migrate.js';
import { provisionDatabase } from '../../src/platform/database/roles.js';
import { createLogger } from '../../src/platform/logging.js';
import { dutchLocation, freshKvk } from '../support/providers.js';
import { signalInput, SUBMIT_SIGNAL, SUBMIT_SIGNALS } from '../support/signals.js';
import { createTestDatabase } from '../support/test-app.js';
import { graphql, Installation, startServerProcess, type ServerProcess } from '../support/server-process.js';

/**
 * Faults, with the built server as its own process: the database missing at start, lost while running and back,
 * read-only; and SIGTERM under load. None of them answers a 500, loses an acknowledged write or leaves half of one.
 */
const REGISTER = 'mutation R($input: RegisterProviderInput!) { registerProvider(input: $input) { provider { id } } }';
const logger = createLogger('silent');
const servers: ServerProcess[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop('SIGKILL')));
});

async function waitFor(what: string, condition: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const began = Date.now();
  while (Date.now() - began < timeoutMs) {
    if (await condition().catch(() => false)) return Date.now() - began;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}

const status = (url: string) => fetch(url).then((response) => response.status, () => 0);

describe('a database that cannot be reached at start', () => {
  it('stops the server with one sentence and exit 1 within the configured time', async () => {
    const installation = await Installation.create();
    const closed = await freePort();
    const began = Date.now();
    const server = await startServerProcess(installation.env(`postgres://samenloop_app:very-secret@127.0.0.1:${closed}/samenloop`, { DATABASE_CONNECT_TIMEOUT_MS: '2000' }), { waitReady: false });
    servers.push(server);
    expect(await server.exited).toBe(1);
    expect(Date.now() - began).toBeLessThan(15_000);
    const lines = server.output().trim().split('\n').filter((line) => !line.startsWith('{'));
    expect(lines).toEqual([`Samenloop could not start: the database at 127.0.0.1:${closed} could not be reached within 2 s (ECONNREFUSED). Check DATABASE_URL and that PostgreSQL is running.`]);
    expect(server.output()).not.toContain('very-secret');
  });
});

describe('a database lost while the server runs', () => {
  let database: EmbeddedDatabase;
  let dataDir: string | undefined;
  afterAll(async () => {
    await database?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('makes /readyz 503 within seconds, answers 503 cleanly, keeps every acknowledged write whole, and recovers by itself', async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'samenloop-outage-'));
    chmodSync(dataDir, 0o755);
    const port = await freePort();
    database = await startEmbeddedDatabase({ dataDir, logger, port, settings: { fsync: 'off' } });
    const urls = await provisionDatabase(database.adminUrl, 'samenloop', { owner: 'outage-owner', app: 'outage-app' });
    await migrateAsOwner(urls.owner!, logger);
    const installation = await Installation.create();
    const server = await startServerProcess(installation.env(urls.app));
    servers.push(server);
    const token = await installation.token('NZA', ['INTAKE', 'PLANNER']);
    const provider = (await graphql(server.url, token, REGISTER, { input: { name: 'Zorg', kvkNumber: freshKvk(), sectors: ['VERPLEEGHUIS'], locations: [dutchLocation('GM0363')] } })).body.data
      .registerProvider.provider.id;

    // Load: signals submitted one after another, each remembered with its answer.
    const answers: Array<{ externalId: string; status: number; code?: string; id?: string }> = [];
    let loading = true;
    const load = (async () => {
      while (loading) {
        const input = signalInput({ providers: [{ id: provider }] });
        const answer = await graphql(server.url, token, SUBMIT_SIGNAL, { input }).catch(() => ({ status: 0, body: undefined }));
        answers.push({ externalId: input.externalId, status: answer.status, code: answer.body?.errors?.[0]?.extensions?.code, id: answer.body?.data?.submitSignal?.signal?.id });
      }
    })();
    await waitFor('some signals', async () => answers.filter((answer) => answer.id).length >= 5, 10_000);

    await database.stop();
    const notReadyAfter = await waitFor('/readyz 503', async () => (await status(`${server.url}/readyz`)) === 503, 10_000);
    expect(notReadyAfter).toBeLessThan(5_000);
    await waitFor('a refused submission', async () => answers.at(-1)?.status === 503, 10_000);
    const rest = await fetch(`${server.url}/api/v1/signals`, { headers: { authorization: `Bearer ${token}` } });
    expect(rest.status).toBe(503);
    expect(rest.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await rest.json()).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    expect((await status(`${server.url}/healthz`))).toBe(200);

    database = await startEmbeddedDatabase({ dataDir, logger, port, settings: { fsync: 'off' } });
    await waitFor('/readyz 200 again', async () => (await status(`${server.url}/readyz`)) === 200, 20_000);
    await waitFor('submissions accepted again', async () => answers.at(-1)?.status === 200 && Boolean(answers.at(-1)?.id), 20_000);
    loading = false;
    await load;

    // Every answer was a success with its signal or a clean 503 (never a 500, never an error in a 200); the database and the answers agree.
    expect(answers.filter((answer) => !(answer.status === 200 && answer.id) && !(answer.status === 503 && answer.code === 'SERVICE_UNAVAILABLE'))).toEqual([]);
    expect(answers.some((answer) => answer.status === 503)).toBe(true);
    const admin = new pg.Client({ connectionString: urls.owner });
    await admin.connect();
    try {
      const stored = (await admin.query<{ external_id: string; routings: number }>(
        'select s.external_id, (select count(*)::int from signal_routing r where r.signal_id = s.id) as routings from signal s',
      )).rows;
      const acknowledged = answers.filter((answer) => answer.id).map((answer) => answer.externalId);
      for (const externalId of acknowledged) expect(stored.map((row) => row.external_id)).toContain(externalId);
      // Nothing half-written: every stored signal has its routing.
      expect(stored.filter((row) => row.routings === 0)).toEqual([]);
    } finally {
      await admin.end();
    }
  });
});

describe('a read-only database', () => {
  it('refuses writes and audited reads with a clean 503, keeps the audit chain intact, and works again when writable', async () => {
    const database = await createTestDatabase();
    const installation = await Installation.create();
    const server = await startServerProcess(installation.env(database.appUrl));
    servers.push(server);
    const token = await installation.token('IGJ', ['INTAKE', 'PLANNER']);
    const register = () => graphql(server.url, token, REGISTER, { input: { name: 'Alleen lezen', kvkNumber: freshKvk(), sectors: ['THUISZORG'], locations: [dutchLocation('GM0363')] } });
    expect((await register()).status).toBe(200);

    const admin = new pg.Client({ connectionString: database.adminUrl });
    await admin.connect();
    const setReadOnly = async (on: boolean) => {
      await admin.query(`alter database "${database.name}" ${on ? 'set default_transaction_read_only = on' : 'reset default_transaction_read_only'}`);
      await admin.query("select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and usename = 'samenloop_app'", [database.name]);
    };
    try {
      await setReadOnly(true);
      await waitFor('writes refused', async () => (await register()).status === 503, 10_000);
      const refused = await register();
      expect(refused.body.errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
      expect(refused.body.errors[0].message).not.toMatch(/read-only|sql|transaction/i);
      const read = await graphql(server.url, token, '{ providers(first: 5) { totalCount } }');
      expect([read.status, read.body.errors?.[0]?.extensions?.code]).toEqual([503, 'SERVICE_UNAVAILABLE']); // not released unaudited
      expect(await status(`${server.url}/readyz`)).toBe(200); // reachable and migrated: it is the writes that fail

      await setReadOnly(false);
      await waitFor('writes accepted again', async () => (await register()).status === 200, 10_000);
    } finally {
      await admin.end();
    }
    expect(await server.stop()).toBe(0);
    const verify = spawnSync(process.execPath, ['dist/src/cli/audit-verify.js'], {
      env: { ...installation.env(database.appUrl), DATABASE_OWNER_URL: database.ownerUrl },
      encoding: 'utf8',
    });
    expect(verify.status, verify.stdout + verify.stderr).toBe(0);
  });
});

describe('SIGTERM under load', () => {
  it('lets the requests in flight finish, refuses new ones, and exits 0', async () => {
    const database = await createTestDatabase();
    const installation = await Installation.create();
    const server = await startServerProcess(installation.env(database.appUrl, { SHUTDOWN_GRACE_MS: '20000' }));
    servers.push(server);
    const token = await installation.token('NZA', ['INTAKE', 'PLANNER']);
    const provider = (await graphql(server.url, token, REGISTER, { input: { name: 'Druk', kvkNumber: freshKvk(), sectors: ['VERPLEEGHUIS'], locations: [dutchLocation('GM0363')] } })).body.data
      .registerProvider.provider.id;
    // Twenty bulk submissions of 200 signals each, on their way when the signal comes.
    const inFlight = Array.from({ length: 20 }, () =>
      graphql(server.url, token, SUBMIT_SIGNALS, { input: Array.from({ length: 200 }, () => signalInput({ providers: [{ id: provider }] })) }).catch((error: Error & { cause?: { code?: string } }) => ({
        status: 0,
        body: error.cause?.code ?? error.message,
      })),
    );
    // SIGTERM once the server is at work on them (its statements are running), whatever the machine's speed.
    await waitFor('the server at work', async () => {
      const admin = new pg.Client({ connectionString: database.adminUrl });
      await admin.connect();
      try {
        return (await admin.query(`select count(*)::int as n from pg_stat_activity where datname = $1 and state = 'active' and pid <> pg_backend_pid()`, [database.name])).rows[0].n > 0;
      } finally {
        await admin.end();
      }
    }, 20_000);
    server.child.kill('SIGTERM');
    await waitFor('the port closed to new requests', async () => (await status(`${server.url}/healthz`)) !== 200, 10_000);
    const answers = await Promise.all(inFlight);
    // Those the server had begun finish whole. Those it had not are refused: a 503, no connection, or — on a
    // kept-alive connection the server closed as idle just as the client reused it — a reset before anything was
    // read. The count below proves none of the refused ones was acted on in part.
    const finished = answers.filter((answer) => answer.status === 200);
    expect(finished.length).toBeGreaterThan(0);
    expect(finished.every((answer) => (answer.body as any).data.submitSignals.created === 200)).toBe(true);
    const refusals = answers.filter((answer) => answer.status !== 200).map((answer) => (answer.status === 0 ? answer.body : answer.status));
    expect(refusals.filter((refusal) => ![503, 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET'].includes(refusal as never))).toEqual([]);
    expect(await server.exited, server.output()).toBe(0);
    const admin = new pg.Client({ connectionString: database.adminUrl });
    await admin.connect();
    try {
      expect((await admin.query('select count(*)::int as count from signal')).rows[0].count).toBe(200 * finished.length);
    } finally {
      await admin.end();
    }
  });
});
