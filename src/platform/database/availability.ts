import pg from 'pg';
import type { Logger } from '../logging.js';

/**
 * PostgreSQL errors that mean "the database cannot do this now" rather than "this request is wrong": the server
 * is unreachable, shutting down, starting, out of connections or disk, or read-only. They are answered as
 * SERVICE_UNAVAILABLE (503): nothing was done, try again.
 */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
  '53100', // disk_full
  '53200', // out_of_memory
  '25006', // read_only_sql_transaction (a read-only database, a standby, or default_transaction_read_only)
  '58030', // io_error
  '08000', // connection_exception
  '08001', // sqlclient_unable_to_establish_sqlconnection
  '08003', // connection_does_not_exist
  '08004', // sqlserver_rejected_establishment_of_sqlconnection
  '08006', // connection_failure
]);

const UNAVAILABLE_MESSAGES = [/Connection terminated/i, /Timeout acquiring a connection/i, /connection is closed/i, /Client has encountered a connection error/i];

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error as { code?: unknown; message?: unknown; cause?: unknown; previous?: unknown } | undefined, depth = 0; current && depth < 5; depth++) {
    const code = typeof current.code === 'string' ? current.code : '';
    if (UNAVAILABLE_CODES.has(code)) return true;
    if (typeof current.message === 'string' && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(current!.message as string))) return true;
    current = (current.cause ?? current.previous) as typeof current;
  }
  return false;
}

/**
 * Start-up waits for the database for at most `timeoutMs` (it may be starting next to us), then gives up with
 * one sentence naming where it looked and what it got — never the password.
 */
export async function waitForDatabase(url: string, timeoutMs: number, logger: Logger): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const { hostname, port } = new URL(url);
  let last: Error | undefined;
  let refused = false;
  for (let attempt = 1; Date.now() < deadline; attempt++) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: Math.max(500, Math.min(5_000, deadline - Date.now())) });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      last = error as Error;
      await client.end().catch(() => undefined);
      if (!isDatabaseUnavailable(error)) {
        refused = true; // wrong password, no such database: waiting will not help
        break;
      }
      if (attempt === 1) logger.warn({ host: hostname, port }, 'the database cannot be reached yet; waiting');
      await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, Math.max(0, deadline - Date.now()))));
    }
  }
  const why = last ? String((last as { code?: string }).code ?? last.message).replace(/postgres(ql)?:\/\/[^\s]*/g, '<url>') : 'no answer';
  if (refused) throw new Error(`the database at ${hostname}:${port || 5432} refused the connection (${why}). Check the user, password and database name in DATABASE_URL.`);
  throw new Error(`the database at ${hostname}:${port || 5432} could not be reached within ${Math.round(timeoutMs / 1000)} s (${why}). Check DATABASE_URL and that PostgreSQL is running.`);
}
