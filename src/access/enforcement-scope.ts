import { fragment, sqlf, type SqlFragment } from '../platform/database/sql.js';
import { OrganisationKind } from './organisations.js';
import { providerVisibleSql } from './scope.js';
import type { Viewer } from './viewer.js';

/**
 * The access policy for enforcement measures, as SQL over the measure alias `e`:
 *
 * - the recording organisation sees its own measures in full (internal notes included);
 * - partners whose supervision domain covers the provider — its reach (scope.ts): Dutch supervisors for Dutch
 *   providers, a municipality for providers in its territory, Zorginspectie for Flemish ones — see them without
 *   the notes;
 * - the OM sees the measures related to signals routed to it, and no others;
 * - everyone, without a token, sees published measures through `publicEnforcementActions` only (public view:
 *   no notes, no related signals or visits), which does not use this condition.
 *
 * Queries using it run in a transaction that names the caller (asOrganisation): the OM's part reads routings.
 */
export function enforcementVisibleSql(viewer: Viewer, action: string): SqlFragment {
  const own = sqlf`${fragment(action)}.organisation = ${viewer.organisation}`;
  if (viewer.kind === OrganisationKind.PROSECUTION) {
    return sqlf`(${own} or exists (select 1 from enforcement_action_signal es join signal_routing er on er.signal_id = es.signal_id
      where es.enforcement_action_id = ${fragment(action)}.id and er.recipient = ${viewer.organisation}))`;
  }
  return sqlf`(${own} or ${providerVisibleSql(viewer, `${action}.provider_id`)})`;
}

/** Whether the viewer sees the measure's internal notes: the recording organisation only. */
export function enforcementNotesVisibleSql(viewer: Viewer, action: string): SqlFragment {
  return sqlf`${fragment(action)}.organisation = ${viewer.organisation}`;
}
