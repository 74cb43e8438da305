import type { EntityManager } from '@mikro-orm/postgresql';
import { NATIONAL_ORGANISATIONS } from '../access/organisations.js';
import { organisationsReaching } from '../access/scope.js';
import { EventResourceType, EventType, publishEvents } from '../notifications/index.js';
import { run, sqlf } from '../platform/database/sql.js';
import { PROSECUTOR_ORGANISATION } from '../signals/index.js';

/**
 * Tells the organisations that may see a measure — other than the one that recorded it — that it was recorded,
 * published or changed: those whose reach covers the provider (the rules of access/enforcement-scope.ts), and the
 * OM when a related signal was routed to it. In the caller's transaction, after the measure and its links.
 */
export async function announceMeasure(
  em: EntityManager,
  action: { id: string; providerId: string; organisation: string },
  types: readonly EventType[],
  now: Date,
): Promise<void> {
  const [facts] = await run<{ municipalities: string[]; prosecuted: boolean }>(
    em,
    sqlf`select array(select distinct l.municipality_code from location l where l.provider_id = ${action.providerId}::uuid and l.municipality_code is not null) as municipalities,
      exists (select 1 from enforcement_action_signal es join signal_routing r on r.signal_id = es.signal_id
              where es.enforcement_action_id = ${action.id}::uuid and r.recipient = ${PROSECUTOR_ORGANISATION}) as prosecuted`,
  );
  const candidates = [...NATIONAL_ORGANISATIONS.map((organisation) => organisation.code).filter((code) => code !== PROSECUTOR_ORGANISATION), ...facts!.municipalities];
  const reaching = await organisationsReaching(em, candidates, [action.providerId]);
  const audience = [...reaching, ...(facts!.prosecuted ? [PROSECUTOR_ORGANISATION] : [])].filter((code) => code !== action.organisation);
  await publishEvents(
    em,
    audience.flatMap((organisation) => types.map((type) => ({ type, organisation, resourceType: EventResourceType.EnforcementAction, resourceId: action.id }))),
    now,
  );
}
