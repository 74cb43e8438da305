import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { startTestApp, type TestDatabase } from '../support/test-app.js';

/** Client connections to `database` that are still open, other than the one counting them (not autovacuum's). */
async function openConnections(database: TestDatabase): Promise<number> {
  const admin = new pg.Client({ connectionString: database.adminUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ count: number }>(
      "select count(*)::int as count from pg_stat_activity where datname = current_database() and backend_type = 'client backend' and pid <> pg_backend_pid()",
    );
    return rows[0]!.count;
  } finally {
    await admin.end();
  }
}

describe('a start that fails halfway', () => {
  it('closes the pools it had opened and rethrows the failure', async () => {
    let database: TestDatabase | undefined;
    const failure = new Error('the demo personas could not be made');
    await expect(
      startTestApp({
        env: { NODE_ENV: 'development' },
        prepareDatabase: async (prepared) => void (database = prepared),
        demoPersonas: async () => Promise.reject(failure),
      }),
    ).rejects.toBe(failure);
    expect(await connectionsOnceClosed(database!)).toBe(0);
  });
});

describe('a close where one part will not stop', () => {
  it('still stops the parts after it, the pools last, and then fails with that part’s error', async () => {
    let database: TestDatabase | undefined;
    const t = await startTestApp({ prepareDatabase: async (prepared) => void (database = prepared) });
    const failure = new Error('the delivery worker would not stop');
    // The delivery worker stops before the pools: before this change, close() ended there and left them open.
    t.app.deliveries.stop = () => Promise.reject(failure);
    await expect(t.close()).rejects.toBe(failure);
    expect(await connectionsOnceClosed(database!)).toBe(0);
  });
});

/** The pool's sockets close asynchronously once it has ended; the server sees them go a moment later. */
async function connectionsOnceClosed(database: TestDatabase): Promise<number> {
  const deadline = Date.now() + 5_000;
  let open = await openConnections(database);
  while (open > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    open = await openConnections(database);
  }
  return open;
}
