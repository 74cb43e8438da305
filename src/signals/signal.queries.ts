import { signalVisibleSql } from '../access/signal-scope.js';
import type { Viewer } from '../access/viewer.js';
import { fragment, isoTimestamp, sqlf, type SqlFragment } from '../platform/database/sql.js';
import type { RoutingOutcome, RoutingStatus, Severity, SignalCategory, SignalStatus } from './signal.enums.js';

export interface SignalRow {
  id: string;
  externalId: string;
  sourceCode: string;
  category: SignalCategory;
  severity: Severity;
  possibleCriminalOffence: boolean;
  occurredAt: string;
  receivedAt: string;
  summary: string;
  status: SignalStatus;
  hasSubject: boolean;
}

/** The status of a signal at `now`, derived from its routings and their decisions. */
export function signalStatusSql(signal: string, now: Date): SqlFragment {
  return sqlf`(select case
      when count(*) = 0 then 'UNROUTED'
      when bool_and(d.id is not null) then 'DECIDED'
      when bool_or(d.id is null and r.due_at <= ${now}) then 'OVERDUE'
      else 'OPEN' end
    from signal_routing r left join routing_decision d on d.routing_id = r.id where r.signal_id = ${fragment(signal)}.id)`;
}

export function signalColumns(signal: string, now: Date): SqlFragment {
  return sqlf`${fragment(`${signal}.id, ${signal}.external_id as "externalId", ${signal}.source_organisation as "sourceCode",
    ${signal}.category, ${signal}.severity, ${signal}.possible_criminal_offence as "possibleCriminalOffence",
    ${isoTimestamp(`${signal}.occurred_at`)} as "occurredAt", ${isoTimestamp(`${signal}.received_at`)} as "receivedAt",
    ${signal}.summary, ${signal}.subject_pseudonym is not null as "hasSubject", `)}${signalStatusSql(signal, now)} as status`;
}

export function signalsByIdQuery(viewer: Viewer, ids: readonly string[], now: Date): SqlFragment {
  return sqlf`select ${signalColumns('s', now)} from signal s where s.id = any(${ids}::uuid[]) and ${signalVisibleSql(viewer, 's')}`;
}

export interface RoutingRow {
  id: string;
  signalId: string;
  recipientCode: string;
  ruleId: string;
  protocolVersion: string;
  createdAt: string;
  dueAt: string;
  status: RoutingStatus;
  decision: { outcome: RoutingOutcome; note: string | null; decidedAt: string; decidedByCode: string; decidedBySub: string } | null;
}

/**
 * Routings (alias `r`, with `d` its decision and `s` its signal) and their status at `now`. The outcome of a
 * decision is for everyone the signal is visible to (una via depends on it); its note only for the deciding
 * organisation and the submitter.
 */
export function routingColumns(viewer: Viewer, now: Date): SqlFragment {
  const note = sqlf`case when d.decided_by_organisation = ${viewer.organisation} or s.source_organisation = ${viewer.organisation} then d.note end`;
  return sqlf`${fragment(`r.id, r.signal_id as "signalId", r.recipient as "recipientCode", r.rule_id as "ruleId",
    r.protocol_version as "protocolVersion", ${isoTimestamp('r.created_at')} as "createdAt", ${isoTimestamp('r.due_at')} as "dueAt",
    case when d.id is not null then json_build_object('outcome', d.outcome, 'note', `)}${note}${fragment(`,
      'decidedAt', ${isoTimestamp('d.decided_at')}, 'decidedByCode', d.decided_by_organisation, 'decidedBySub', d.decided_by_sub) end as decision,
    `)}${routingStatusSql('d.outcome', 'r.due_at', now)} as status`;
}

/**
 * A routing's status at `now` from its decision's outcome (null: undecided) and its due moment: the decision's,
 * or EXPIRED once the due moment passed undecided, PENDING before. The one place this is written.
 */
export function routingStatusSql(outcome: string, dueAt: string, now: Date): SqlFragment {
  return sqlf`${fragment(`case when ${outcome} = 'ACCEPT' then 'ACCEPTED' when ${outcome} = 'DECLINE' then 'DECLINED' when ${outcome} = 'JOINT' then 'JOINT'
    when ${dueAt} <= `)}${now}${fragment(` then 'EXPIRED' else 'PENDING' end`)}`;
}
