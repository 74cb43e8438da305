import { fragment, isoTimestamp, sqlf, type SqlFragment } from '../platform/database/sql.js';
import { calendarDay } from '../platform/time.js';
import type { ProviderRow } from '../providers/index.js';
import type { EnforcementStatus, EnforcementType } from './enforcement.enums.js';

/**
 * How a measure is shown: OWN (the recording organisation: everything), SHARED (partners who may see it: no
 * notes) or PUBLIC (a published measure read through publicEnforcementActions: no notes, no related signals or
 * visits, the provider by name and register numbers only).
 */
export type EnforcementView = 'OWN' | 'SHARED' | 'PUBLIC';

export interface EnforcementRow {
  id: string;
  organisationCode: string;
  /** The provider's public facts (name and register numbers); its locations only through a visible Provider. */
  provider: ProviderRow;
  type: EnforcementType;
  legalBasis: string;
  imposedOn: string;
  deadline: string | null;
  validUntil: string | null;
  status: EnforcementStatus;
  publishedAt: string | null;
  recordedAt: string;
  notes: string | null;
  view: EnforcementView;
}

/**
 * The status of measure `e` at `now`: the latest appended status, where an ACTIVE measure past its `validUntil`
 * (a BEVEL after its 7 days, Dutch calendar days) reads as LAPSED without anyone changing it.
 */
export function enforcementStatusSql(action: string, now: Date): SqlFragment {
  const e = fragment(action);
  return sqlf`(select case when latest.status = 'ACTIVE' and ${e}.valid_until < ${calendarDay(now)}::date then 'LAPSED' else latest.status end
    from (select h.status from enforcement_action_status h where h.enforcement_action_id = ${e}.id
          order by h.id desc limit 1) as latest)`;
}

/** The columns of an EnforcementRow over `e` joined with its provider `ep`; `view` decides what is shown. */
export function enforcementColumns(now: Date, view: EnforcementView | SqlFragment, notesVisible: SqlFragment): SqlFragment {
  const shownView = typeof view === 'string' ? sqlf`${view}` : view;
  return sqlf`${fragment(`e.id, e.organisation as "organisationCode", e.type, e.legal_basis as "legalBasis",
      to_char(e.imposed_on, 'YYYY-MM-DD') as "imposedOn", to_char(e.deadline, 'YYYY-MM-DD') as deadline,
      to_char(e.valid_until, 'YYYY-MM-DD') as "validUntil", ${isoTimestamp('e.published_at')} as "publishedAt",
      ${isoTimestamp('e.recorded_at')} as "recordedAt",
      json_build_object('id', ep.id, 'name', ep.name, 'kvkNumber', ep.kvk_number, 'kboNumber', ep.kbo_number,
        'agbCode', ep.agb_code, 'sectors', ep.sectors, 'registeredBy', ep.registered_by) as provider, `)}
    case when ${notesVisible} then e.notes end as notes, ${shownView}::text as view, ${enforcementStatusSql('e', now)} as status`;
}
