import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/platform/database/embedded.js';
import { createTestDatabase, type TestDatabase } from '../support/test-app.js';

const SUBMIT = `mutation($input: [SubmitSignalInput!]!) { submitSignals(input: $input) { results { externalId outcome signal { id } } } }`;
const BATCH = 250;
const BATCHES = 10;

/**
 * Bulk ingestion into a real server process that is killed (SIGKILL) while a batch is provably in flight: the
 * server has logged that the batch's transaction started, and its answer never came. After a restart, every
 * submission that was acknowledged exists exactly once, with its routings and (once the restarted server's relay
 * has published them) their events, exactly once each; the batch that was
 * cut off is there entirely or not at all; resubmitting everything completes the set without duplicates.
 */
describe('crash safety of signal ingestion', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'samenloop-crash-'));
  let database: TestDatabase;
  let server: ChildProcess | undefined;
  let port: number;
  let token: string;
  let output = '';

  const env = () => ({ ...process.env, DATA_DIR: dataDir, NODE_ENV: 'development', TRUSTED_ISSUERS_FILE: '', LOG_LEVEL: 'debug' });
  /** Calls back once when the server logs that the transaction of request `requestId` started. */
  const onTransactionStart = (requestId: string, callback: () => void) => {
    let pending = '';
    const listener = (chunk: Buffer) => {
      const lines = (pending + chunk.toString()).split('\n');
      pending = lines.pop()!; // a line may arrive in two chunks
      if (lines.some((line) => line.includes('"signal batch: transaction started"') && line.includes(`"reqId":"${requestId}"`))) {
        server!.stdout!.off('data', listener);
        callback();
      }
    };
    server!.stdout!.on('data', listener);
  };

  async function start(): Promise<void> {
    port = await freePort();
    server = spawn(process.execPath, ['dist/src/main.js'], {
      env: { ...env(), PORT: String(port), DATABASE_URL: database.appUrl, DATABASE_OWNER_URL: database.ownerUrl },
    });
    server.stdout!.on('data', (chunk) => (output += chunk));
    server.stderr!.on('data', (chunk) => (output += chunk));
    for (let attempt = 0; attempt < 150; attempt++) {
      if (await fetch(`http://127.0.0.1:${port}/readyz`).then((response) => response.ok, () => false)) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`server did not start:\n${output}`);
  }

  const batch = (number: number) =>
    Array.from({ length: BATCH }, (_, index) => ({
      externalId: `CRASH-${number}-${index}`,
      category: 'KLACHT',
      severity: 'HIGH',
      possibleCriminalOffence: true,
      providers: [{ kvkNumber: '90000011' }], // a demo provider: a nursing home and home care in Amsterdam
      occurredAt: '2026-10-01T08:00:00Z',
      summary: `Melding ${number}-${index}`,
    }));

  const send = async (number: number) => {
    const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-request-id': `crash-batch-${number}` },
      body: JSON.stringify({ query: SUBMIT, variables: { input: batch(number) } }),
    });
    const body = (await response.json()) as any;
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data.submitSignals.results as Array<{ externalId: string; outcome: string; signal: { id: string } | null }>;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    await start();
    token = spawnSync(process.execPath, ['dist/src/cli/token.js', '--org', 'NZA', '--roles', 'INTEGRATION'], { env: env(), encoding: 'utf8' }).stdout.trim();
  });
  afterAll(() => {
    if (server && server.exitCode === null) server.kill('SIGKILL');
  });

  it('keeps every acknowledged signal exactly once, with its routings', async () => {
    const acknowledged = new Map<string, string>();
    const record = (results: Awaited<ReturnType<typeof send>>) => {
      for (const result of results) {
        expect(result.outcome).not.toBe('ERROR');
        acknowledged.set(result.externalId, result.signal!.id);
      }
    };
    for (let number = 0; number < 3; number++) record(await send(number));

    // Four batches sent at once. The moment the server logs that one of them started its transaction, it is frozen
    // (SIGSTOP: it can do nothing more, not even answer) and killed.
    const answered = new Set<number>();
    const started = new Set<number>();
    const exited = new Promise((resolve) => server!.once('exit', resolve)); // listen before the kill: exit may come first
    const killed = new Promise<number>((resolve) => {
      for (const number of [3, 4, 5, 6]) {
        onTransactionStart(`crash-batch-${number}`, () => {
          started.add(number);
          if (server!.signalCode === null && server!.exitCode === null && !answered.has(number)) {
            server!.kill('SIGSTOP');
            server!.kill('SIGKILL');
            resolve(number);
          }
        });
      }
    });
    const inFlight = [3, 4, 5, 6].map((number) =>
      send(number).then((results) => {
        answered.add(number);
        record(results);
      }),
    );
    const cutOff = await killed;
    await Promise.allSettled(inFlight);
    await exited;
    // Proof that the kill landed inside a batch: its transaction had started, and no answer ever came for it.
    expect(started.has(cutOff)).toBe(true);
    expect(answered.has(cutOff)).toBe(false);
    expect(acknowledged.size).toBeGreaterThanOrEqual(3 * BATCH);

    await start();
    const db = new pg.Client({ connectionString: database.adminUrl });
    await db.connect();
    try {
      // Each routing is its own outbox row: the restarted server's delivery worker publishes what the killed one
      // committed and had not yet published.
      for (let attempt = 0; ; attempt++) {
        const [{ unpublished }] = (await db.query(`select count(*)::int as unpublished from signal_routing where published_at is null`)).rows;
        if (unpublished === 0) break;
        if (attempt > 300) throw new Error(`${unpublished} routings still unpublished after the restart`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const stored = await db.query<{ external_id: string; id: string; routings: number; outbox: number }>(
        `select s.external_id, s.id,
           (select count(*)::int from signal_routing r where r.signal_id = s.id) as routings,
           (select count(*)::int from event o where o.type = 'SIGNAL_ROUTED' and o.resource_id = s.id) as outbox
         from signal s where s.source_organisation = 'NZA' and s.external_id like 'CRASH-%'`,
      );
      const byExternalId = new Map(stored.rows.map((row) => [row.external_id, row]));
      expect(byExternalId.size).toBe(stored.rows.length); // exactly once
      for (const [externalId, id] of acknowledged) expect(byExternalId.get(externalId)?.id).toBe(id);
      // Nothing half-written: every stored signal has both its routings (OM and IGJ) and their events, once each…
      for (const row of stored.rows) expect([row.routings, row.outbox]).toEqual([2, 2]);
      // …and the batch that was cut off is there entirely or not at all.
      const ofCutOff = stored.rows.filter((row) => row.external_id.startsWith(`CRASH-${cutOff}-`)).length;
      expect([0, BATCH]).toContain(ofCutOff);

      // Submitting everything again completes the set: acknowledged ones come back as duplicates with the same id.
      for (let number = 0; number < BATCHES; number++) {
        for (const result of await send(number)) {
          expect(result.outcome).not.toBe('ERROR');
          if (acknowledged.has(result.externalId)) {
            expect(result.outcome).toBe('DUPLICATE');
            expect(result.signal!.id).toBe(acknowledged.get(result.externalId));
          }
        }
      }
      const [{ count }] = (await db.query(`select count(*)::int as count from signal where external_id like 'CRASH-%'`)).rows;
      expect(count).toBe(BATCHES * BATCH);
    } finally {
      await db.end();
    }
  });
});
