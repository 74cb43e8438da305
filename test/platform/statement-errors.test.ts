import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, sqlf } from '../../src/platform/database/sql.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Errors of failed statements are logged (formatError, the request log): they name the statement with its
 * placeholders, never the values bound to them, which may hold personal data (notes, reasons, audit details).
 * knex would write the values into the message (its `compileSqlOnError`) only for `?` placeholders, and for
 * PostgreSQL it has numbered them by then; this guard fails if that ever changes.
 */
describe('a failed statement’s error', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it('carries its SQL with placeholders and the database’s message, not the values', async () => {
    const failed = (await run(t.app.orm.em.fork(), sqlf`select ${'een geheime notitie'}::text as note, 1 / ${0}::int as nothing`).catch((error: unknown) => error)) as Error & { code?: string };
    expect(failed.code).toBe('22012');
    expect(failed.message).toContain('division by zero');
    expect(failed.message).toContain('$1');
    expect(failed.message).not.toContain('een geheime notitie');
  });
});
