import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { RequestTooExpensiveError } from '../errors.js';
import type { Logger } from '../logging.js';

/**
 * Hand-written SQL goes through here, built with `sqlf` and run with `run` or `runOne`: the statement and its values
 * travel separately to PostgreSQL (never interpolated into the text), inside the EntityManager's transaction when
 * there is one. A JavaScript array is sent as one PostgreSQL array value. In the text, write `\\?` for a literal
 * question mark (the jsonb operators): a bare `?` is a placeholder.
 */
async function execute<Row>(em: EntityManager, text: string, params: readonly unknown[], name?: string): Promise<Row[]> {
  const query = em.getKnex().raw(text, params as never);
  if (name) query.options({ name });
  const transaction = em.getTransactionContext();
  if (transaction) query.transacting(transaction);
  const result = (await query) as { rows: Row[] };
  return result.rows;
}

const FRAGMENT = Symbol('sql fragment');

/** A piece of SQL with its parameters, composable with `sqlf`. */
export interface SqlFragment {
  readonly sql: string;
  readonly params: readonly unknown[];
  readonly [FRAGMENT]: true;
}

function compose(text: string, params: readonly unknown[]): SqlFragment {
  return { sql: text, params, [FRAGMENT]: true };
}

/** Trusted constant SQL — an alias, a column list, a keyword — inlined as it is; values go through `sqlf`. */
export function fragment(text: string): SqlFragment {
  return compose(text, []);
}

function isFragment(value: unknown): value is SqlFragment {
  return typeof value === 'object' && value !== null && FRAGMENT in value;
}

/**
 * Builds SQL from a template: interpolated fragments are inlined with their parameters, any other value becomes
 * a bound parameter. `sqlf\`select * from visit v where v.id = ${id} and ${visibleCondition}\``.
 */
export function sqlf(strings: TemplateStringsArray, ...values: unknown[]): SqlFragment {
  let text = strings[0]!;
  const params: unknown[] = [];
  values.forEach((value, index) => {
    if (isFragment(value)) {
      text += value.sql;
      params.push(...value.params);
    } else {
      text += '?';
      params.push(value);
    }
    text += strings[index + 1]!;
  });
  return compose(text, params);
}

/** Joins fragments with a separator (e.g. ' and '); an empty list gives `empty`. */
export function joinSql(fragments: readonly SqlFragment[], separator: string, empty = 'true'): SqlFragment {
  if (fragments.length === 0) return fragment(empty);
  return compose(fragments.map((part) => part.sql).join(separator), fragments.flatMap((part) => part.params));
}

/** Runs a fragment built with `sqlf`; its rows. */
export function run<Row = Record<string, unknown>>(em: EntityManager, query: SqlFragment): Promise<Row[]> {
  return execute<Row>(em, query.sql, query.params);
}

/**
 * Runs a fragment as a named prepared statement, which a connection parses once and keeps while it is open.
 * PostgreSQL plans it for the values of its first five runs and from then on reuses one generic plan when that is
 * estimated no costlier than their average (`plan_cache_mode = auto`, the default; nothing is set per
 * connection). Only for statements whose plan does not depend on the values and whose planning is a large share
 * of their time: the visit writes in one statement (decision 0010). The name comes from the text, so every
 * connection names a text alike; past `MAX_PREPARED_TEXTS` texts in a process, a new text runs unnamed.
 *
 * When the database does not know a statement the driver has prepared on that connection, or already knows the
 * name (a pooler in transaction mode without prepared-statement support, a `DEALLOCATE`), nothing has run yet:
 * the statement runs again unnamed, and from then on this process names none (logged once). For statements that
 * run on their own, outside a transaction, as both visit writes do: inside one, the failure has aborted it.
 */
export async function runPrepared<Row = Record<string, unknown>>(em: EntityManager, query: SqlFragment, log: Logger): Promise<Row[]> {
  const name = preparedName(query.sql);
  if (!name) return execute<Row>(em, query.sql, query.params);
  try {
    return await execute<Row>(em, query.sql, query.params, name);
  } catch (error) {
    const code = sqlState(error);
    if (!PREPARED_STATEMENT_LOST.includes(code ?? '')) throw error;
    if (!namingOff) log.warn({ code }, 'the database lost a prepared statement (a pooler without prepared-statement support?): running statements unnamed from now on');
    namingOff = true;
    return execute<Row>(em, query.sql, query.params);
  }
}

/** The SQLSTATE of a database error (`40001`, `23505`), if it is one. */
export function sqlState(error: unknown): string | undefined {
  return (error as { code?: string }).code;
}

/** invalid_sql_statement_name (the name is unknown to this server connection), duplicate_prepared_statement. */
const PREPARED_STATEMENT_LOST = ['26000', '42P05'];

export const MAX_PREPARED_TEXTS = 200;
const preparedNames = new Map<string, string>();
let namingOff = false;

function preparedName(text: string): string | undefined {
  if (namingOff) return undefined;
  let name = preparedNames.get(text);
  if (name === undefined && preparedNames.size < MAX_PREPARED_TEXTS) {
    name = `samenloop_${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;
    preparedNames.set(text, name);
  }
  return name;
}

/** Runs a fragment built with `sqlf`; its first row, if any. */
export async function runOne<Row = Record<string, unknown>>(em: EntityManager, query: SqlFragment): Promise<Row | undefined> {
  const rows = await run<Row>(em, query);
  return rows[0];
}

/**
 * SQL for a timestamptz column as an ISO 8601 UTC string with milliseconds. The ORM's connection hands
 * timestamps to hand-written queries as PostgreSQL text, which is not what GraphQL's DateTime expects.
 */
export function isoTimestamp(column: string): string {
  return `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/**
 * Counts the SQL statements issued while a unit of work (a request, a benchmark step) runs; with a `limit`, the
 * statement after the limit fails with REQUEST_TOO_EXPENSIVE instead of running (a runaway request stops there,
 * and its transaction rolls back). Tallies nest: a test's tally around a request counts the request's too.
 */
export interface StatementTally {
  count: number;
  limit?: number;
}

interface TallyScope {
  tally: StatementTally;
  outer: TallyScope | undefined;
}

const tallies = new AsyncLocalStorage<TallyScope>();

export function countStatements<T>(tally: StatementTally, work: () => T): T {
  return tallies.run({ tally, outer: tallies.getStore() }, work);
}

/** Hooks the counter into the ORM's query builder; every statement, ORM-made or hand-written, passes there. */
export function installStatementCounter(em: EntityManager, onStatement?: () => void): void {
  em.getKnex().on('query', (query: { sql?: string }) => {
    onStatement?.();
    // Ending a transaction is never refused: a request stopped by its limit must still roll back.
    const ending = /^\s*(rollback|release)/i.test(query.sql ?? '');
    for (let scope = tallies.getStore(); scope; scope = scope.outer) {
      scope.tally.count++;
      if (!ending && scope.tally.limit !== undefined && scope.tally.count > scope.tally.limit) throw new RequestTooExpensiveError(scope.tally.limit);
    }
  });
}
