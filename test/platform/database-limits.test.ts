import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/platform/config.js';
import { run, runOne, sqlf } from '../../src/platform/database/sql.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Every connection of the service carries a statement timeout and an idle-in-transaction timeout, so that one
 * slow query or a transaction left open cannot hold its locks for ever.
 */
describe('database time limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { DATABASE_STATEMENT_TIMEOUT_MS: '300', DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: '400' } });
  });
  afterAll(async () => t?.close());

  it('are set on the service\'s connections', async () => {
    const row = await runOne<{ statement: string; idle: string }>(
      t.app.orm.em.fork(),
      sqlf`select current_setting('statement_timeout') as statement, current_setting('idle_in_transaction_session_timeout') as idle`,
    );
    expect(row).toEqual({ statement: '300ms', idle: '400ms' });
  });

  it('a statement running longer than the limit is cancelled', async () => {
    const started = Date.now();
    await expect(run(t.app.orm.em.fork(), sqlf`select pg_sleep(5)`)).rejects.toMatchObject({ code: '57014' });
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it('a transaction left idle longer than the limit is ended, and its locks with it', async () => {
    const em = t.app.orm.em.fork();
    await em.begin();
    await run(em, sqlf`select pg_advisory_xact_lock(4242)`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await expect(run(em, sqlf`select 1`)).rejects.toThrow();
    await em.rollback().catch(() => undefined);
    // The lock went with the session: another connection gets it at once.
    const [row] = await t.sql<{ locked: boolean }>('select pg_try_advisory_lock(4242) as locked');
    expect(row!.locked).toBe(true);
    await t.sql('select pg_advisory_unlock(4242)');
  });

  it('default to 15 s per statement and 30 s idle in a transaction', () => {
    const config = loadConfig({});
    expect({ statement: config.statementTimeoutMs, idle: config.idleInTransactionTimeoutMs }).toEqual({ statement: 15_000, idle: 30_000 });
  });
});
