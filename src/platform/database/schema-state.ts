import type { EntityManager } from '@mikro-orm/postgresql';
import { MIGRATIONS } from '../../../migrations/index.js';
import { DEFINITIONS } from '../../definitions.js';
import { outdatedDefinitions } from './definitions.js';
import { runOne, sqlf } from './sql.js';

/**
 * Whether the database is at head — every migration applied, every definition applied as its source says — in
 * words for /readyz and for the server's start. Asked as the application role (it reads, never changes).
 */
export async function schemaLag(em: EntityManager): Promise<string | undefined> {
  const row = await runOne<{ applied: string }>(
    em,
    sqlf`select count(*) as applied from mikro_orm_migrations where name = any(${MIGRATIONS.map((migration) => migration.name)}::text[])`,
  );
  const pending = MIGRATIONS.length - Number(row?.applied ?? 0);
  if (pending > 0) return `${pending} database migrations are not applied yet.`;
  const outdated = await outdatedDefinitions(em, DEFINITIONS, MIGRATIONS.at(-1)!.name);
  if (outdated.length > 0) return `${outdated.length} database definitions (${outdated.map((definition) => definition.name).join(', ')}) are not applied as their source says.`;
  return undefined;
}
