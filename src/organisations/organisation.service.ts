import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { isMunicipalityCode, MAX_ORGANISATIONS, nationalOrganisation, OrganisationKind } from '../access/organisations.js';
import { run, sqlf } from '../platform/database/sql.js';
import type { RequestContext } from '../request-context.js';
import type { Organisation } from './organisation.types.js';

interface OrganisationRow {
  code: string;
  name: string;
  kind: OrganisationKind;
  oin: string | null;
}

/** A municipality that has no row yet is still an organisation: every GM code is one. */
function unregistered(code: string): Organisation | undefined {
  const national = nationalOrganisation(code);
  if (national) return { ...national, oin: null };
  if (isMunicipalityCode(code)) return { code, name: `Gemeente ${code}`, kind: OrganisationKind.MUNICIPALITY, oin: null };
  return undefined;
}

/** Organisations by code, batched per request. Unknown codes resolve to undefined. */
export function organisationLoader(context: RequestContext): DataLoader<string, Organisation | undefined> {
  return context.loader(createOrganisationLoader);
}

/**
 * The five national organisations are reference data defined in code (their rows exist for foreign keys); only
 * municipalities, whose names live in the database, cost a query — one per request at most per batch.
 */
function createOrganisationLoader(context: RequestContext): DataLoader<string, Organisation | undefined> {
  return new DataLoader(async (codes) => {
    const municipalities = codes.filter(isMunicipalityCode);
    const rows =
      municipalities.length === 0
        ? []
        : await run<OrganisationRow>(context.em, sqlf`select code, name, kind, oin from organisation where code = any(${municipalities}::text[])`);
    const byCode = new Map(rows.map((row) => [row.code, row]));
    return codes.map((code) => byCode.get(code) ?? unregistered(code));
  });
}

export async function listOrganisations(em: EntityManager): Promise<Organisation[]> {
  return run<OrganisationRow>(
    em,
    sqlf`select code, name, kind, oin from organisation
     order by case when kind = 'MUNICIPALITY' then 1 else 0 end, code limit ${MAX_ORGANISATIONS}`,
  );
}

/**
 * Records point at organisations by code; a municipality gets its row the first time it writes something.
 */
export async function ensureOrganisationRow(em: EntityManager, code: string): Promise<void> {
  const organisation = unregistered(code);
  if (!organisation) throw new Error(`Not an organisation code: ${code}`);
  await run(
    em,
    sqlf`insert into organisation (code, name, kind) values (${organisation.code}, ${organisation.name}, ${organisation.kind}) on conflict (code) do nothing`,
  );
}
