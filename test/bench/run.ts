import 'reflect-metadata';
import { type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/platform/config.js';
import { startScratchDatabase } from '../../src/platform/database/scratch.js';
import { createLogger } from '../../src/platform/logging.js';
import { print } from 'graphql';
import { bridgeRouteTable } from '../../openapi-bridge/bridge.js';
import { growVisits, mb, oneSignal, overlapRows, overlapStats, rawBatch, recipientsOfApiSignals, rss, sameRowsBatch, signalBatch } from './data.js';
import { latencyCpuRow, measureCpu, planCpuRow, postmasterOf, type CpuPerRequest } from './cpu.js';
import { load } from './load.js';
import { alternatedRuns, bareplan, latencyRow, PlanBlocks, planVariables } from './planning.js';
import { printResults, saveResults, type BenchRow } from './results.js';
import { setUpBench } from './setup.js';

/**
 * npm run bench [-- --quick]
 * The performance bars of docs/performance.md (P1–P8), each a ratio measured side by side in this run: the API against a
 * bare node:http handler running the same SQL on the same driver and pool, each side warmed up unmeasured first,
 * alternating the order over two rounds and reporting the worse round. --quick shortens the runs and skips the 10 M-visit step.
 */
const PROVIDER = `query($id: ID!) { provider(id: $id) { id name kvkNumber sectors locations { id name municipalityCode } } }`;
const VISITS = `query($first: Int) { visits(first: $first) { edges { node { id window { start end precision } status kind themes
  organisation { code name } participants { code } providers { id name } location { id } conflicts { gapDays scope resolution visit { id organisation { code } } } } } } }`;
const PLAN = `mutation($input: PlanVisitInput!) { planVisit(input: $input) { visit { id } conflicts { gapDays visit { id } } } }`;
const SUBMIT = `mutation($input: [SubmitSignalInput!]!) { submitSignals(input: $input) { created duplicates errors } }`;
const SIGNALS = `{ signals(first: 50) { edges { node { id status routings { recipient { code } status } } } } }`;

const SUBMIT_ONE = print(bridgeRouteTable().find((route) => route.operationId === 'submitSignal')!.operation);
const PROVIDER_FIELDS = 'id name kvkNumber sectors';
const ENTITIES_100 = `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Provider { ${PROVIDER_FIELDS} } } }`;
const PROVIDERS_100 = `{ providers(first: 100) { edges { node { ${PROVIDER_FIELDS} } } } }`;

/** A fresh prefix per load run: rounds must not resubmit each other's signals. */
let runs = 0;
const fresh = (name: string) => `${name}-${++runs}`;

const QUICK = process.argv.includes('--quick');
const SECONDS = QUICK ? 3 : 6;
const ROUNDS = 2;
const WARM_UP_SECONDS = 1;
const log = (message: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);
const logger = createLogger('warn');

log('starting a scratch PostgreSQL');
// Tuned as docs/deployment.md advises for SSD storage (random_page_cost; the default 4 assumes spinning disks).
const database = await startScratchDatabase(logger, 'bench', { max_connections: '300', shared_buffers: '512MB', work_mem: '16MB', random_page_cost: '1.1' });
const children: ChildProcess[] = [];
const results: BenchRow[] = [];
let postgresVersion = 'unknown';

try {
  const world = await setUpBench(database, logger, log, children);
  const { dir, db, igj, nza, providers, api, bare } = world;
  postgresVersion = world.postgresVersion;
  const blocks = new PlanBlocks(world.planBlocks);
  const gql = (query: string, variables: (i: number) => Record<string, unknown>) => (i: number) => JSON.stringify({ query, variables: variables(i) });
  const auth = (jwt: string) => ({ authorization: `Bearer ${jwt}` });
  const noErrors = (_status: number, body: string) => (JSON.parse(body) as { errors?: unknown }).errors === undefined;
  // A batch counts only when every item was stored or recognised as a duplicate, and 900 were new.
  const wholeBatch = (status: number, body: string) => {
    const result = (JSON.parse(body) as { data?: { submitSignals?: { created: number; duplicates: number; errors: number } } }).data?.submitSignals;
    return noErrors(status, body) && result !== undefined && result.errors === 0 && result.created + result.duplicates === 1000 && result.created >= 900;
  };

  log('P3: statements per visits page');
  {
    const app = await buildApp({
      config: loadConfig({ NODE_ENV: 'test', DATABASE_URL: database.urls.app, AUDIT_CHECKPOINT_DIR: path.join(dir, 'audit-checkpoints-p3'), WEBHOOK_POLL_MS: '0' }),
      databaseUrl: database.urls.app,
      logger,
      issuers: JSON.parse(readFileSync(path.join(dir, 'issuers.json'), 'utf8')),
      pseudonymKey: randomBytes(32),
      auditKey: randomBytes(32),
    });
    // The process-wide counter, read once the request's audit insert is done; the delivery worker, whose polls
    // would land in the count, does not run in this app (WEBHOOK_POLL_MS=0), and the least of three runs leaves out
    // any other background statement (they only ever add).
    const statements = async () => (await app.metrics.sqlStatements.get()).values[0]?.value ?? 0;
    const once = async (first: number) => {
      const before = await statements();
      const response = await app.http.inject({
        method: 'POST',
        url: '/graphql',
        headers: { 'content-type': 'application/json', ...auth(igj) },
        payload: JSON.stringify({ query: VISITS, variables: { first } }),
      });
      if (response.statusCode !== 200 || response.body.includes('"errors"')) throw new Error(`P3 query failed: ${response.body.slice(0, 500)}`);
      await new Promise((resolve) => setTimeout(resolve, 300));
      return (await statements()) - before;
    };
    const count = async (first: number) => Math.min(await once(first), await once(first), await once(first));
    await count(10); // warm-up: the first request of a process does one-off work
    const [ten, hundred] = [await count(10), await count(100)];
    await app.close();
    results.push({ id: 'P3', what: 'SQL statements per visits page, 100 ÷ 10', value: `${hundred} ÷ ${ten} = ${(hundred / ten).toFixed(2)}`, target: '= 1, ≤ 5 statements', pass: hundred === ten && hundred > 0 && hundred <= 5 });
  }

  // The API side of P6 and P6-single, and of P7 and P7-single: the same run against another baseline.
  // The CPU each side of P6 spends per plan, its process and PostgreSQL apart (the last round's; cpu.ts).
  const postmaster = await postmasterOf(db);
  const planCpu: { api?: CpuPerRequest; bare?: CpuPerRequest } = {};
  const apiPlans = async (seconds: number) => {
    const block = blocks.next();
    const { result, cpu } = await measureCpu(api.child.pid!, postmaster, () =>
      load({ port: api.port, path: '/graphql', concurrency: 8, seconds, headers: auth(igj), check: noErrors, body: gql(PLAN, (i) => planVariables(block, i)) }));
    planCpu.api = cpu;
    return result.perSecond;
  };
  const apiSignals = async (seconds: number) => {
    const prefix = fresh('api');
    return 1000 * (await load({ port: api.port, path: '/graphql', concurrency: 2, seconds, headers: auth(nza), check: wholeBatch,
      body: gql(SUBMIT, (i) => ({ input: signalBatch(`${prefix}-${i}`, providers) })) })).perSecond;
  };
  const pairs: Array<{ id: string; what: string; target: number; api: (seconds: number) => Promise<number>; bare: (seconds: number) => Promise<number>; warmUp?: false; roundSeconds?: number }> = [
    {
      id: 'P1',
      what: 'provider(id) req/s ÷ bare handler',
      target: 0.5,
      api: async (seconds: number) =>
        (await load({ port: api.port, path: '/graphql', concurrency: 16, seconds, headers: auth(igj), check: noErrors,
          body: gql(PROVIDER, (i) => ({ id: providers[i % 50] })) })).perSecond,
      bare: async (seconds: number) =>
        (await load({ port: bare.port, path: '/provider', concurrency: 16, seconds, body: (i) => JSON.stringify({ id: providers[i % 50] }) })).perSecond,
    },
    {
      id: 'P2',
      what: 'visits(first:100), nested, req/s ÷ bare handler',
      target: 0.4,
      api: async (seconds: number) =>
        (await load({ port: api.port, path: '/graphql', concurrency: 8, seconds, headers: auth(igj), check: noErrors, body: gql(VISITS, () => ({ first: 100 })) })).perSecond,
      bare: async (seconds: number) => (await load({ port: bare.port, path: '/visits', concurrency: 8, seconds, body: () => JSON.stringify({ first: 100 }) })).perSecond,
    },
    {
      id: 'P6',
      warmUp: false, // each planning run takes a fresh block of seeded providers; the nine do not stretch to warm-ups
      what: 'planVisit ÷ a bare handler writing the same rows (visit, provider row, history, conflicts, their events, audit) in one round trip, 8 clients',
      target: 0.5,
      api: apiPlans,
      bare: async (seconds: number) => {
        const block = blocks.next();
        const { result, cpu } = await measureCpu(bare.child.pid!, postmaster, () =>
          load({ port: bare.port, path: '/plan', concurrency: 8, seconds, check: (_status, body) => Boolean(JSON.parse(body).id), body: (i) => bareplan(block, i) }));
        planCpu.bare = cpu;
        return result.perSecond;
      },
    },
    {
      id: 'P6-single',
      warmUp: false,
      what: 'planVisit ÷ a bare single-row INSERT of a visit (the old P6), 8 clients',
      target: 0.5,
      api: apiPlans,
      bare: async (seconds: number) => (await load({ port: bare.port, path: '/insert', concurrency: 8, seconds, body: () => '{}' })).perSecond,
    },
    {
      // A call takes about 0.2 s: a quick 3-second round held a dozen of them, and one stalled call decided it.
      id: 'P7', roundSeconds: 2 * SECONDS,
      what: 'submitSignals (1,000 per call, 10 % duplicates) signals/s ÷ a raw batched insert of the same rows (signal with its provider ids, routings as the outbox, audit)',
      target: 0.5,
      api: apiSignals,
      bare: async (seconds: number) => {
        const routed = await recipientsOfApiSignals(db);
        const prefix = fresh('same');
        return 1000 * (await load({ port: bare.port, path: '/ingest', concurrency: 2, seconds, check: (_status, body) => JSON.parse(body).stored >= 900,
          body: (i) => JSON.stringify({ rows: sameRowsBatch(`${prefix}-${i}`, providers, routed) }) })).perSecond;
      },
    },
    {
      id: 'P7-single', roundSeconds: 2 * SECONDS,
      what: 'submitSignals signals/s ÷ a raw batched INSERT … ON CONFLICT of the signal rows alone (the old P7)',
      target: 0.5,
      api: apiSignals,
      bare: async (seconds: number) => {
        const prefix = fresh('bare');
        return 1000 * (await load({ port: bare.port, path: '/signals', concurrency: 2, seconds, check: (_status, body) => JSON.parse(body).inserted >= 900,
          body: (i) => JSON.stringify({ rows: rawBatch(`${prefix}-${i}`) }) })).perSecond;
      },
    },
    {
      id: 'P9-rest',
      what: 'REST POST /api/v1/signals req/s ÷ GraphQL submitSignal with the same selection, 8 clients',
      target: 0.8,
      api: async (seconds: number) =>
        (await load({ port: api.port, path: '/api/v1/signals', concurrency: 8, seconds, headers: auth(nza), okStatuses: [201], body: (i) => JSON.stringify(oneSignal(`rest-${i}-${Date.now()}`, providers, i)) })).perSecond,
      bare: async (seconds: number) =>
        (await load({ port: api.port, path: '/graphql', concurrency: 8, seconds, headers: auth(nza), check: noErrors, body: gql(SUBMIT_ONE, (i) => ({ input: oneSignal(`gql-${i}-${Date.now()}`, providers, i) })) })).perSecond,
    },
    {
      id: 'P9-entities',
      what: '_entities with 100 Provider representations req/s ÷ providers(first: 100), the same fields, 8 clients',
      target: 0.8,
      api: async (seconds: number) =>
        (await load({ port: api.port, path: '/graphql', concurrency: 8, seconds, headers: auth(igj),
          check: (status, body) => noErrors(status, body) && (JSON.parse(body).data?._entities ?? []).filter(Boolean).length === 100,
          body: gql(ENTITIES_100, () => ({ representations: providers.slice(0, 100).map((id) => ({ __typename: 'Provider', id })) })) })).perSecond,
      bare: async (seconds: number) => (await load({ port: api.port, path: '/graphql', concurrency: 8, seconds, headers: auth(igj), check: (status, body) => noErrors(status, body) && JSON.parse(body).data.providers.edges.length === 100, body: gql(PROVIDERS_100, () => ({})) })).perSecond,
    },
  ];
  for (const pair of pairs) {
    const ratios: string[] = [];
    let worst = Number.POSITIVE_INFINITY;
    if (pair.warmUp !== false) {
      // Unmeasured: the first run of a code path also pays for compiling it (V8's optimising tiers, the first
      // plans of its statements), which would land on whichever side a pair measures first.
      log(`${pair.id}: warm-up`);
      await pair.api(WARM_UP_SECONDS);
      await pair.bare(WARM_UP_SECONDS);
    }
    for (let round = 0; round < ROUNDS; round++) {
      log(`${pair.id}: round ${round + 1}`);
      let apiRate: number;
      let bareRate: number;
      if (round % 2 === 0) {
        apiRate = await pair.api(pair.roundSeconds ?? SECONDS);
        bareRate = await pair.bare(pair.roundSeconds ?? SECONDS);
      } else {
        bareRate = await pair.bare(pair.roundSeconds ?? SECONDS);
        apiRate = await pair.api(pair.roundSeconds ?? SECONDS);
      }
      const ratio = apiRate / bareRate;
      worst = Math.min(worst, ratio);
      ratios.push(`${apiRate.toFixed(0)}/${bareRate.toFixed(0)}`);
    }
    results.push({ id: pair.id, what: pair.what, value: `${worst.toFixed(2)} (${ratios.join(', ')})`, target: `≥ ${pair.target}`, pass: worst >= pair.target });
    if (pair.id === 'P6') results.push(planCpuRow(planCpu.api!, planCpu.bare!));
  }

  log('P6-latency: planVisit and the same-rows handler at 1 client (API, handler, handler, API)');
  {
    const [apiBlock, bareBlock] = [blocks.next(), blocks.next()];
    const runs = await alternatedRuns(
      (offset) => measureCpu(api.child.pid!, postmaster, () =>
        load({ port: api.port, path: '/graphql', concurrency: 1, seconds: SECONDS, headers: auth(igj), check: noErrors, body: gql(PLAN, (i) => planVariables(apiBlock, offset + i)) })),
      (offset) => measureCpu(bare.child.pid!, postmaster, () => load({ port: bare.port, path: '/plan', concurrency: 1, seconds: SECONDS, body: (i) => bareplan(bareBlock, offset + i) })));
    results.push(latencyRow(runs.api.result, runs.bare.result), latencyCpuRow(runs.api.cpu, runs.api.result, runs.bare.cpu, runs.bare.result));
  }

  log('P6 (database only): visit_plan ÷ single-row INSERT, 8 connections');
  {
    const pool = new pg.Pool({ connectionString: database.urls.app, max: 8 });
    const rate = async (statement: (i: number) => Promise<unknown>) => {
      const deadline = Date.now() + SECONDS * 1000;
      let count = 0;
      const started = Date.now();
      await Promise.all(Array.from({ length: 8 }, async () => {
        while (Date.now() < deadline) await statement(count++);
      }));
      return count / ((Date.now() - started) / 1000);
    };
    const plan = (i: number) =>
      pool.query(
        `select * from visit_plan(gen_random_uuid(), 'IGJ', null, tstzrange($1::timestamptz, $1::timestamptz + interval '6 hours'), true, 'THEMATIC',
          '{}', null, '{}', array[$2::uuid], 28, now(), 'bench', null)`,
        [new Date(Date.UTC(2028, 0, 1 + (i % 300), 8)), providers[i % 1000]],
      );
    const insert = () =>
      pool.query(`insert into visit (id, lead_organisation, participants, shared_with, time_window, announced, kind, themes, status, created_by, created_at, updated_at)
        values (gen_random_uuid(), 'IGJ', '{}', '{}', tstzrange(now(), now() + interval '6 hours'), true, 'THEMATIC', '{}', 'PLANNED', 'bench', now(), now())`);
    const first = [await rate(plan), await rate(insert)];
    const second = [await rate(insert), await rate(plan)].reverse();
    const worst = Math.min(first[0]! / first[1]!, second[0]! / second[1]!);
    results.push({ id: 'P6-db', what: 'visit_plan (lock + check + insert) ÷ single-row INSERT, database only (8 connections)', value: `${worst.toFixed(2)} (${first.map((n) => n.toFixed(0)).join('/')}, ${second.map((n) => n.toFixed(0)).join('/')})`, target: '(≥ 0.5 for P6)', pass: worst >= 0.5 });
    await pool.end();
  }

  log('P8: memory of the API process');
  const idle = rss(api.child.pid!);
  for (let i = 0; i < 100; i++) {
    const result = await load({ port: api.port, path: '/graphql', concurrency: 1, seconds: 0.001, headers: auth(nza), body: () => JSON.stringify({ query: SUBMIT, variables: { input: signalBatch(`p8-${i}`, providers, 0) } }) });
    if (result.errors) throw new Error('P8 ingestion failed');
  }

  for (const target of QUICK ? [1_000_000] : [1_000_000, 10_000_000]) {
    await growVisits(db, target, providers[0]!);
    if (target === 1_000_000) {
      await load({ port: api.port, path: '/graphql', concurrency: 4, seconds: SECONDS, headers: auth(igj), body: gql(VISITS, () => ({ first: 100 })) });
      await load({ port: api.port, path: '/graphql', concurrency: 4, seconds: SECONDS, headers: auth(igj), body: gql(SIGNALS, () => ({})) });
      const after = rss(api.child.pid!);
      results.push({ id: 'P8', what: 'API RSS after 100 k signals and 1 M visits ÷ idle', value: `${(after / idle).toFixed(2)} (${mb(after)} / ${mb(idle)})`, target: '≤ 1.5', pass: after / idle <= 1.5 });
    }
    const p4 = await overlapStats(db, providers[0]!);
    const label = target >= 10_000_000 ? '10 M' : '1 M';
    results.push(...overlapRows(p4, label));
  }
  await db.end();
} finally {
  for (const child of children) child.kill('SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, 500));
  await database.stop();
}

saveResults({ date: new Date().toISOString(), node: process.version, postgres: postgresVersion, cpus: os.cpus().length, quick: QUICK, rows: results });

printResults(results);
