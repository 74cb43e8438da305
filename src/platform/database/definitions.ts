import { createHash } from 'node:crypto';
import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../logging.js';
import { fragment, run, sqlf } from './sql.js';

/**
 * Repeatable database definitions: PostgreSQL functions kept as source beside the code that calls them (e.g.
 * src/visits/sql/), not inside a migration. After the migrations, the migration step applies every definition
 * whose text changed since it was last applied — recorded with its checksum in `schema_definition` — so a change
 * of a rule is one edit of its source. A definition is idempotent (`create or replace`); one whose signature
 * changes drops the old signature first, in the same text.
 *
 * Migrations create the tables; definitions may use them. A migration that needs a function in a new shape
 * before the definitions run must create that shape itself.
 */
export interface SqlDefinition {
  /** The function's name: the key of its record. */
  readonly name: string;
  readonly sql: string;
}

export function sqlDefinition(name: string, text: string): SqlDefinition {
  // Applied as one statement without parameters: a `?` would be read as a placeholder.
  if (text.includes('?')) throw new Error(`The definition of ${name} contains "?"; write it without.`);
  return { name, sql: text.trim() };
}

export function checksum(definition: SqlDefinition): string {
  return createHash('sha256').update(definition.sql).digest('hex');
}

/** When each definition was last applied, with the checksum of the text applied. */
@Entity({ tableName: 'schema_definition' })
export class SchemaDefinitionEntity {
  @PrimaryKey({ type: 'text' })
  name!: string;

  @Property({ type: 'text' })
  checksum!: string;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  appliedAt!: Date;
}

/**
 * What is recorded for an applied definition: the migration head of the build that applied it, the checksum of
 * its source, and a digest of what the database then held for that name (pg_get_functiondef) — so a function
 * changed behind the record's back (by hand, or by a migration) is noticed too.
 */
interface AppliedRecord {
  head: string;
  source: string;
  catalog: string;
}

function parseRecord(text: string | null): AppliedRecord | undefined {
  const [head, source, catalog] = (text ?? '').split('|');
  return head && source && catalog ? { head, source, catalog } : undefined;
}

export interface DefinitionState {
  definition: SqlDefinition;
  record: AppliedRecord | undefined;
  /** The digest of what the database holds now under the definition's name; null when it holds nothing. */
  catalog: string | null;
}

/** Each definition with its record and what the database holds now, in one statement. */
async function definitionStates(em: EntityManager, definitions: readonly SqlDefinition[]): Promise<DefinitionState[]> {
  const rows = await run<{ name: string; checksum: string | null; catalog: string | null }>(
    em,
    sqlf`select d.name, s.checksum,
       (select md5(string_agg(pg_get_functiondef(p.oid), E'\n' order by p.oid)) from pg_proc p
         where p.proname = d.name and p.pronamespace = 'public'::regnamespace) as catalog
     from unnest(${definitions.map((definition) => definition.name)}::text[]) as d(name) left join schema_definition s on s.name = d.name`,
  );
  const byName = new Map(rows.map((row) => [row.name, row]));
  return definitions.map((definition) => ({ definition, record: parseRecord(byName.get(definition.name)?.checksum ?? null), catalog: byName.get(definition.name)?.catalog ?? null }));
}

/**
 * Whether this build should (re)apply a definition: never applied; the database holds something else than what
 * was applied (changed by hand or by a migration); or its source changed and this build is not older than the one
 * that applied it — an older build never takes back what a newer one applied (rolling deploys).
 */
function shouldApply(state: DefinitionState, head: string): boolean {
  const { record, catalog } = state;
  if (!record || catalog === null || catalog !== record.catalog) return true;
  return record.source !== checksum(state.definition) && head >= record.head;
}

/**
 * The definitions that make the database not at head for this build (/readyz, start): missing, changed behind
 * their record, or applied by a build with fewer migrations than this one. What a build of the same or a later
 * head applied is not lag — the replicas of the previous release keep serving during a rolling deploy.
 */
export async function outdatedDefinitions(em: EntityManager, definitions: readonly SqlDefinition[], head: string): Promise<SqlDefinition[]> {
  return (await definitionStates(em, definitions))
    .filter(({ definition, record, catalog }) => !record || catalog === null || catalog !== record.catalog || (record.source !== checksum(definition) && head > record.head))
    .map((state) => state.definition);
}

/**
 * Applies the definitions that need it, in the order given (a function before those that call it), in one
 * transaction under a lock, so that two processes starting at once apply each once. `head` is the name of this
 * build's latest migration. Returns the names applied.
 */
export async function applyDefinitions(em: EntityManager, definitions: readonly SqlDefinition[], head: string, logger: Logger): Promise<string[]> {
  return em.transactional(async (tx) => {
    await run(tx, sqlf`select pg_advisory_xact_lock(hashtextextended('samenloop:schema_definition', 0))`);
    const due = (await definitionStates(tx, definitions)).filter((state) => shouldApply(state, head)).map((state) => state.definition);
    for (const definition of due) await run(tx, fragment(definition.sql));
    const applied = await definitionStates(tx, due);
    for (const state of applied) {
      await run(
        tx,
        sqlf`insert into schema_definition (name, checksum, applied_at) values (${state.definition.name}, ${`${head}|${checksum(state.definition)}|${state.catalog}`}, now())
         on conflict (name) do update set checksum = excluded.checksum, applied_at = excluded.applied_at`,
      );
    }
    if (due.length > 0) logger.info({ definitions: due.map((definition) => definition.name) }, `applied ${due.length} database definitions`);
    return due.map((definition) => definition.name);
  });
}
