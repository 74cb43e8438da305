import pg from 'pg';
import type { EntityManager } from '@mikro-orm/postgresql';
import { runOne, sqlf } from './sql.js';

/**
 * The database is a second wall, not only storage. Two roles:
 *
 * - the **owner** (`samenloop_owner`) owns every table, function and trigger; migrations and `npm run
 *   audit:verify` run as it;
 * - the **application** (`samenloop_app`) is what the server connects as: no superuser, no BYPASSRLS, owns
 *   nothing, so it can neither switch triggers off nor rewrite the audit log or its chain heads, and row-level
 *   security applies to it. The migrations grant it exactly what the service needs, table by table.
 *
 * A DBA creates both once (docs/configuration.md has the statements); the embedded development database and the
 * test run do it here.
 */
export const OWNER_ROLE = 'samenloop_owner';
export const APP_ROLE = 'samenloop_app';

export interface DatabaseUrls {
  /** What the server connects as. */
  app: string;
  /** What migrations run as; undefined when only the application's URL is known. */
  owner: string | undefined;
}

export interface RolePasswords {
  owner: string;
  app: string;
}

/**
 * As a superuser: creates (or updates the passwords of) both roles and the database, owned by the owner role, and
 * returns the two connection URLs. Idempotent.
 */
export async function provisionDatabase(adminUrl: string, database: string, passwords: RolePasswords): Promise<DatabaseUrls> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    for (const [role, password, attributes] of [
      [OWNER_ROLE, passwords.owner, 'login nosuperuser nocreaterole nocreatedb nobypassrls'],
      [APP_ROLE, passwords.app, 'login nosuperuser nocreaterole nocreatedb nobypassrls noinherit'],
    ] as const) {
      const exists = await admin.query('select 1 from pg_roles where rolname = $1', [role]);
      const verb = exists.rowCount ? 'alter' : 'create';
      await admin.query(`${verb} role ${role} ${attributes} password ${literal(password)}`);
    }
    const found = await admin.query<{ owner: string }>(
      'select pg_get_userbyid(datdba) as owner from pg_database where datname = $1',
      [database],
    );
    if (!found.rowCount) await admin.query(`create database ${identifier(database)} owner ${OWNER_ROLE}`);
    else if (found.rows[0]!.owner !== OWNER_ROLE) {
      throw new LegacyDatabaseError(database, found.rows[0]!.owner);
    }
  } finally {
    await admin.end();
  }
  const url = (role: string, password: string) => {
    const result = new URL(adminUrl);
    result.username = role;
    result.password = password;
    result.pathname = `/${encodeURIComponent(database)}`;
    return result.toString();
  };
  return { app: url(APP_ROLE, passwords.app), owner: url(OWNER_ROLE, passwords.owner) };
}

/** A database created before the roles existed: its tables belong to someone else. */
export class LegacyDatabaseError extends Error {
  constructor(
    readonly database: string,
    readonly owner: string,
  ) {
    super(`database ${database} belongs to ${owner}, not to ${OWNER_ROLE}`);
    this.name = 'LegacyDatabaseError';
  }
}

/**
 * Refuses to serve as a role that could step over the second wall: a superuser, a role with BYPASSRLS, one that
 * owns (or is a member of the owner of) the audit log, which could switch its triggers off, or one that may create
 * objects in the database or its public schema (PostgreSQL 13 and 14 let every role do the latter unless the DBA
 * revoked it; see docs/configuration.md, "Database roles").
 */
export async function assertApplicationRole(em: EntityManager): Promise<void> {
  const row = await runOne<{ role: string; superuser: boolean; bypassrls: boolean; owner: boolean; creates: boolean }>(
    em,
    sqlf`select current_user as role, r.rolsuper as superuser, r.rolbypassrls as bypassrls,
       coalesce((select pg_has_role(current_user, c.relowner, 'MEMBER') from pg_class c
                 where c.oid = to_regclass('audit_event')), false) as owner,
       has_schema_privilege(current_user, 'public', 'CREATE') or has_database_privilege(current_user, current_database(), 'CREATE') as creates
     from pg_roles r where r.rolname = current_user`,
  );
  const problems = [
    row?.superuser && 'is a superuser',
    row?.bypassrls && 'may bypass row-level security',
    row?.owner && 'owns the tables (or is a member of their owner)',
    row?.creates && 'may create objects in the database or its public schema',
  ].filter(Boolean);
  if (problems.length > 0) {
    throw new Error(
      `DATABASE_URL connects as ${row!.role}, which ${problems.join(' and ')}. The service must connect as a role ` +
        `without those rights, such as ${APP_ROLE} (see docs/configuration.md, "Database roles"); migrations use DATABASE_OWNER_URL.`,
    );
  }
}

function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function identifier(value: string): string {
  return `"${value.replace(/"/g, '""')}"`;
}
