import { fork, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import pg from 'pg';
import { freePort } from '../../src/platform/database/embedded.js';
import { migrateAsOwner } from '../../src/platform/database/migrate.js';
import type { ScratchDatabase } from '../../src/platform/database/scratch.js';
import type { Logger } from '../../src/platform/logging.js';
import { BASELINE_FUNCTIONS } from './data.js';

/**
 * The benchmark's world: keys and issuers, the migrated database with its seeded providers and planning, and the
 * API and the bare handler each in a process of its own (their processes are added to `children`, which the
 * caller stops).
 */
export interface BenchWorld {
  dir: string;
  db: pg.Client;
  postgresVersion: string;
  igj: string;
  nza: string;
  /** 1,000 providers for the read and ingestion runs. */
  providers: string[];
  /** Nine blocks of 1,000 providers with three visits each, one per planning run. */
  planBlocks: string[][];
  api: { port: number; child: ChildProcess };
  bare: { port: number; child: ChildProcess };
}

export const PLAN_BLOCK = 1_000;

export async function setUpBench(database: ScratchDatabase, logger: Logger, log: (message: string) => void, children: ChildProcess[]): Promise<BenchWorld> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'samenloop-bench-'));
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  writeFileSync(path.join(dir, 'jwks.json'), JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'bench', alg: 'ES256' }] }));
  writeFileSync(
    path.join(dir, 'issuers.json'),
    JSON.stringify([{ issuer: 'https://bench.example', jwksUri: `file://${dir}/jwks.json`, audience: 'samenloop', organisations: ['IGJ', 'NZA', 'OM', 'GM*'] }]),
  );
  writeFileSync(path.join(dir, 'pseudonym-key'), randomBytes(32).toString('hex'));
  writeFileSync(path.join(dir, 'audit-key'), randomBytes(32).toString('hex'));
  const token = (org: string, roles: string[]) =>
    new SignJWT({ org, roles }).setProtectedHeader({ alg: 'ES256', kid: 'bench' }).setIssuer('https://bench.example')
      .setAudience('samenloop').setSubject(`bench-${org}`).setIssuedAt().setExpirationTime('6h').sign(privateKey);
  const igj = await token('IGJ', ['PLANNER', 'COORDINATOR', 'INSPECTOR']);
  const nza = await token('NZA', ['INTEGRATION']);

  await migrateAsOwner(database.urls.owner, logger);
  // Set-up data goes in as the owner (fast, no audit); the API and the bare handler run as the application role.
  const db = new pg.Client({ connectionString: database.urls.owner });
  await db.connect();
  db.on('error', () => {}); // the database stops under it at the end, also after a failure
  const postgresVersion = (await db.query<{ server_version: string }>('show server_version')).rows[0]!.server_version;
  await db.query(BASELINE_FUNCTIONS);

  log('loading providers and a planning with conflicts');
  await db.query(`insert into organisation (code, name, kind) values ('GM0363', 'Gemeente Amsterdam', 'MUNICIPALITY')`);
  await db.query(`
    with p as (
      insert into provider (id, name, kvk_number, sectors, registered_by, created_at)
      select gen_random_uuid(), 'Bench zorg ' || g, lpad((20000000 + g)::text, 8, '0'), '{THUISZORG}', 'IGJ', now()
      from generate_series(1, 10000) g returning id)
    insert into location (id, provider_id, name, postcode, municipality_code, country, registered_by, created_at)
    select gen_random_uuid(), p.id, 'Vestiging', '1012 AB', 'GM0363', 'NL', 'IGJ', now() from p`);
  const providers = (await db.query<{ id: string }>('select id from provider order by id limit 1000')).rows.map((row) => row.id);
  log('seeding nine blocks of 1,000 providers with three visits each, for the planning runs');
  const others = (await db.query<{ id: string }>('select id from provider order by id offset 1000 limit 9000')).rows.map((row) => row.id);
  const planBlocks = Array.from({ length: 9 }, (_, index) => others.slice(index * PLAN_BLOCK, (index + 1) * PLAN_BLOCK));
  await db.query(
    `select visit_plan(gen_random_uuid(), 'NZA', null, tstzrange(t, t + interval '6 hours'), true, 'RISK_BASED', '{toets}', null, '{}', array[p], 28, now(), 'bench', null)
       from unnest($1::uuid[]) as p, (select timestamptz '2027-04-01 08:00+00' + d * interval '10 days' as t from generate_series(0, 2) as d) as days`,
    [others],
  );
  for (let i = 0; i < 600; i++) {
    await db.query(
      `select visit_plan(gen_random_uuid(), $1, null, tstzrange($2::timestamptz, $2::timestamptz + interval '6 hours'), $3, 'RISK_BASED',
        '{toets}', null, '{}', array[$4::uuid], 28, now(), 'bench', null)`,
      [i % 3 ? 'IGJ' : 'NZA', new Date(Date.UTC(2027, 0, 4 + (i % 90), 8)), i % 4 !== 0, providers[i % 40]],
    );
  }

  // A live database has statistics (autovacuum keeps them); without them the planner takes the tables seeded
  // above for nearly empty and picks hash joins over whole tables for lookups by id.
  await db.query('analyze');

  const env = {
    ...process.env,
    NODE_ENV: 'production',
    DATABASE_URL: database.urls.app,
    TRUSTED_ISSUERS_FILE: path.join(dir, 'issuers.json'),
    PSEUDONYM_KEY_FILE: path.join(dir, 'pseudonym-key'),
    AUDIT_KEY_FILE: path.join(dir, 'audit-key'),
    AUDIT_CHECKPOINT_DIR: path.join(dir, 'audit-checkpoints'),
    DATABASE_POOL_SIZE: '10',
    HOST: '127.0.0.1',
    // The benchmark measures the server, not the limiter: one client here sends what hundreds would.
    RATE_LIMIT_MUTATIONS_PER_MINUTE: '0',
    // The request paths are measured. The delivery worker and its SIGNAL_ROUTED relay would run in between, on
    // both sides' rows (the API's and the baseline's routings alike), at moments no row controls.
    WEBHOOK_POLL_MS: '0',
    EVENT_SOURCE: 'urn:nld:oin:00000001234567890000:systeem:samenloop',
  };
  const startChild = async (kind: 'api' | 'bare'): Promise<{ port: number; child: ChildProcess }> => {
    const port = await freePort();
    // A metrics port of its own: one left taken by an interrupted earlier run would keep the API from starting.
    const ports = { PORT: String(port), METRICS_PORT: String(await freePort()) };
    const child =
      kind === 'api'
        ? spawn(process.execPath, ['dist/src/main.js'], { env: { ...env, ...ports }, stdio: 'ignore' })
        : fork('dist/test/bench/bare-server.js', { env: { ...env, ...ports }, stdio: 'ignore' });
    children.push(child);
    let exited: number | null | undefined;
    child.once('exit', (code) => (exited = code));
    for (let attempt = 0; attempt < 150; attempt++) {
      if (exited !== undefined) throw new Error(`${kind} server exited with code ${exited} before it was ready`);
      const ok = await fetch(`http://127.0.0.1:${port}/${kind === 'api' ? 'readyz' : 'nothing'}`).then((r) => r.status < 500, () => false);
      if (ok) return { port, child };
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`${kind} server did not start`);
  };
  const api = await startChild('api');
  const bare = await startChild('bare');
  return { dir, db, postgresVersion, igj, nza, providers, planBlocks, api, bare };
}
