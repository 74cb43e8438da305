import { createHash } from 'node:crypto';
import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../logging.js';
import { sql } from './sql.js';

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

/** The definitions whose applied text is not the source's (never applied, or changed since). */
export async function outdatedDefinitions(em: EntityManager, definitions: readonly SqlDefinition[]): Promise<SqlDefinition[]> {
  const rows = await sql<{ name: string; checksum: string }>(em, 'select name, checksum from schema_definition');
  const applied = new Map(rows.map((row) => [row.name, row.checksum]));
  return definitions.filter((definition) => applied.get(definition.name) !== checksum(definition));
}

/**
 * Applies the outdated definitions, in the order given (a function before those that call it), in one
 * transaction under a lock, so that two processes starting at once apply each once. Returns the names applied.
 */
export async function applyDefinitions(em: EntityManager, definitions: readonly SqlDefinition[], logger: Logger): Promise<string[]> {
  return em.transactional(async (tx) => {
    await sql(tx, `select pg_advisory_xact_lock(hashtextextended('samenloop:schema_definition', 0))`);
    const outdated = await outdatedDefinitions(tx, definitions);
    for (const definition of outdated) {
      await sql(tx, definition.sql);
      await sql(
        tx,
        `insert into schema_definition (name, checksum, applied_at) values (?, ?, now())
         on conflict (name) do update set checksum = excluded.checksum, applied_at = excluded.applied_at`,
        [definition.name, checksum(definition)],
      );
    }
    if (outdated.length > 0) logger.info({ definitions: outdated.map((definition) => definition.name) }, `applied ${outdated.length} database definitions`);
    return outdated.map((definition) => definition.name);
  });
}
