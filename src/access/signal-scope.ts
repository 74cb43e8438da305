import { fragment, sqlf, type SqlFragment } from '../platform/database/sql.js';
import { Role } from './roles.js';
import type { Viewer } from './viewer.js';

/**
 * The access policy for signals, as SQL: a signal, its summary and its routings are visible to the organisation
 * that submitted it and to the recipients of its routings — nobody else (the OM therefore only sees what is
 * routed to it). A machine client holding only the INTEGRATION role follows just what its organisation submitted.
 */
export function signalVisibleSql(viewer: Viewer, signal: string): SqlFragment {
  const alias = fragment(signal);
  if (onlySubmitted(viewer)) return sqlf`${alias}.source_organisation = ${viewer.organisation}`;
  return sqlf`(${alias}.source_organisation = ${viewer.organisation}
    or exists (select 1 from signal_routing vr where vr.signal_id = ${alias}.id and vr.recipient = ${viewer.organisation}))`;
}

const FOLLOWS_ROUTINGS: readonly Role[] = [Role.INTAKE, Role.COORDINATOR, Role.INSPECTOR, Role.ENFORCEMENT_OFFICER, Role.PROSECUTOR];

function onlySubmitted(viewer: Viewer): boolean {
  return !FOLLOWS_ROUTINGS.some((role) => viewer.roles.has(role));
}
