import { AsyncLocalStorage } from 'node:async_hooks';
import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Hand-written SQL goes through here: the statement and its values travel separately to PostgreSQL (never
 * interpolated into the text), inside the EntityManager's transaction when there is one. Placeholders are `?`;
 * a JavaScript array is sent as one PostgreSQL array value. Write `\\?` for a literal question mark.
 */
export async function sql<Row = Record<string, unknown>>(
  em: EntityManager,
  text: string,
  params: readonly unknown[] = [],
): Promise<Row[]> {
  const query = em.getKnex().raw(text, params as never);
  const transaction = em.getTransactionContext();
  if (transaction) query.transacting(transaction);
  const result = (await query) as { rows: Row[] };
  return result.rows;
}

export async function sqlOne<Row = Record<string, unknown>>(
  em: EntityManager,
  text: string,
  params: readonly unknown[] = [],
): Promise<Row | undefined> {
  const rows = await sql<Row>(em, text, params);
  return rows[0];
}

/**
 * SQL for a timestamptz column as an ISO 8601 UTC string with milliseconds. The ORM's connection hands
 * timestamps to hand-written queries as PostgreSQL text, which is not what GraphQL's DateTime expects.
 */
export function isoTimestamp(column: string): string {
  return `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/** Counts the SQL statements issued while a unit of work (a request, a benchmark step) runs. */
export interface StatementTally {
  count: number;
}

const tallies = new AsyncLocalStorage<StatementTally>();

export function countStatements<T>(tally: StatementTally, work: () => T): T {
  return tallies.run(tally, work);
}

/** Hooks the counter into the ORM's query builder; every statement, ORM-made or hand-written, passes there. */
export function installStatementCounter(em: EntityManager, onStatement?: () => void): void {
  em.getKnex().on('query', () => {
    const tally = tallies.getStore();
    if (tally) tally.count++;
    onStatement?.();
  });
}
