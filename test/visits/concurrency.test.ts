import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOne, sqlf } from '../../src/platform/database/sql.js';
import { Role, startTestApp, TestClock, type TestApp } from '../support/test-app.js';
import { dutchLocation, freshKvk, registerProvider } from '../support/providers.js';
import { dayAt, PLAN_VISIT, planInput } from '../support/visits.js';

/**
 * Two organisations' planners plan at the same provider at the same instant. Without a per-provider lock taken
 * before the check, some of these pairs go unrecorded; with it, every pair is recorded exactly once.
 */
async function twelvePlannersAtOnce(t: TestApp): Promise<void> {
  const igj = await t.as('IGJ', [Role.PLANNER]);
  const gm = await t.as('GM0363', [Role.PLANNER]);
  const provider = await registerProvider(igj, { kvkNumber: freshKvk(), locations: [dutchLocation('GM0363')] });
  const base = new Date('2027-05-03T00:00:00Z');
  const results = await Promise.all(
    Array.from({ length: 12 }, (_, index) =>
      (index % 2 ? igj : gm).request(PLAN_VISIT, { input: planInput({ providerIds: [provider], start: dayAt(base, index % 5) }) }),
    ),
  );
  for (const result of results) expect(result.errors).toBeUndefined();
  const ids = results.map((result) => (result.data as any).planVisit.visit.id as string);

  const pairs = await t.sql<{ a: string; b: string }>(
    `select visit_a_id as a, visit_b_id as b from visit_conflict where visit_a_id = any($1) and resolution is null`,
    [ids],
  );
  const recorded = new Set(pairs.map((pair) => `${pair.a}|${pair.b}`));
  expect(recorded.size).toBe(pairs.length); // no duplicates
  const missing: string[] = [];
  for (let i = 0; i < ids.length; i++) {
    for (let j = i + 1; j < ids.length; j++) {
      const [a, b] = [ids[i]!, ids[j]!].sort();
      if (!recorded.has(`${a}|${b}`)) missing.push(`${a}|${b}`);
    }
  }
  expect(missing).toEqual([]);
  expect(pairs).toHaveLength((12 * 11) / 2);

  // Every visit's answer listed the earlier ones it conflicts with: together they report every pair.
  const reported = new Set<string>();
  results.forEach((result, index) => {
    for (const conflict of (result.data as any).planVisit.conflicts) reported.add([ids[index], conflict.visit.id].sort().join('|'));
  });
  expect(reported.size).toBe(66);
}

describe('no lost conflict', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ clock: new TestClock('2027-01-04T08:00:00Z'), env: { DATABASE_POOL_SIZE: '16' } });
  });
  afterAll(async () => t?.close());

  it.each([1, 2, 3])('12 concurrent planVisit calls from two organisations record all 66 pairs (round %i)', () => twelvePlannersAtOnce(t));
});

/**
 * The lock-then-check design needs each statement to see what committed before it. Under REPEATABLE READ the
 * snapshot would predate the lock and conflicts would be lost (or writes would fail with serialization errors),
 * so the service sets READ COMMITTED itself instead of trusting the database's default.
 */
describe('no lost conflict on a database whose default isolation is REPEATABLE READ', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      clock: new TestClock('2027-01-04T08:00:00Z'),
      env: { DATABASE_POOL_SIZE: '16' },
      prepareDatabase: async (database) => {
        const pg = await import('pg');
        const admin = new pg.default.Client({ connectionString: database.adminUrl });
        await admin.connect();
        await admin.query(`alter database "${database.name}" set default_transaction_isolation = 'repeatable read'`);
        await admin.end();
      },
    });
  });
  afterAll(async () => t?.close());

  it('the database really defaults to REPEATABLE READ', async () => {
    const [row] = await t.sql<{ level: string }>('show default_transaction_isolation');
    expect(Object.values(row!)).toEqual(['repeatable read']);
  });

  it.each([1, 2, 3])('12 concurrent planVisit calls still record all 66 pairs (round %i)', () => twelvePlannersAtOnce(t));

  it('statements outside a transaction (the audit writer of reads) run READ COMMITTED too', async () => {
    const em = t.app.orm.em.fork();
    const row = await runOne<{ transaction_isolation: string }>(em, sqlf`show transaction_isolation`);
    expect(row!.transaction_isolation).toBe('read committed');
  });

  it('reads audited outside a transaction, amid concurrent writes, never fail with a serialization error', async () => {
    const igj = await t.as('IGJ', [Role.PLANNER]);
    const provider = await registerProvider(igj, { kvkNumber: freshKvk(), locations: [dutchLocation('GM0363')] });
    const base = new Date('2027-06-07T00:00:00Z');
    for (let round = 0; round < 4; round++) {
      const results = await Promise.all(
        Array.from({ length: 48 }, (_, index) =>
          index % 3 === 0
            ? igj.request(PLAN_VISIT, { input: planInput({ providerIds: [provider], start: dayAt(base, (round * 16 + index) % 60) }) })
            : igj.request(`query($id: ID!) { provider(id: $id) { id } }`, { id: provider }),
        ),
      );
      expect(results.filter((result) => result.errors).map((result) => result.errors![0]!.extensions?.code)).toEqual([]);
    }
  });
});
