import type { GraphQLClient } from './test-app.js';

export const VISIT_FIELDS = `id status announced kind themes notes detail
  organisation { code } participants { code } sharedWith { code } providers { id } location { id }
  window { start end precision } mergedInto { id }
  conflicts { visit { id } scope gapDays resolution justification resolvedBy { code } }`;

export const PLAN_VISIT = `mutation Plan($input: PlanVisitInput!) {
  planVisit(input: $input) { visit { ${VISIT_FIELDS} } conflicts { visit { id window { start end precision } } scope gapDays resolution } }
}`;

export const RESCHEDULE_VISIT = `mutation Reschedule($input: RescheduleVisitInput!) {
  rescheduleVisit(input: $input) { visit { ${VISIT_FIELDS} } conflicts { visit { id } scope gapDays } }
}`;

export const CANCEL_VISIT = `mutation Cancel($input: CancelVisitInput!) { cancelVisit(input: $input) { visit { ${VISIT_FIELDS} } } }`;
export const COMPLETE_VISIT = `mutation Complete($input: CompleteVisitInput!) { completeVisit(input: $input) { visit { ${VISIT_FIELDS} } } }`;
export const ACKNOWLEDGE = `mutation Ack($input: AcknowledgeConflictInput!) { acknowledgeConflict(input: $input) { visit { ${VISIT_FIELDS} } } }`;

export const VISIT = `query Visit($id: ID!) { visit(id: $id) { ${VISIT_FIELDS}
  history { action organisation { code } actorSub reason relatedVisitId previousWindow { start end } } } }`;

export const VISITS = `query Visits($filter: VisitFilter, $first: Int, $after: String) {
  visits(filter: $filter, first: $first, after: $after) {
    totalCount
    edges { cursor node { ${VISIT_FIELDS} } }
    pageInfo { hasNextPage endCursor }
  }
}`;

export const CONFLICT_CHECK = `query Check($input: VisitConflictCheckInput!) {
  visitConflicts(input: $input) { visit { id window { start end precision } themes } scope gapDays resolution }
}`;

export const COORDINATE = `mutation Coordinate($input: CoordinateVisitsInput!) {
  coordinateVisits(input: $input) { visit { ${VISIT_FIELDS} } proposals { id status } merged { id status mergedInto { id } } }
}`;

export const RESPOND = `mutation Respond($input: RespondToCoordinationInput!) {
  respondToCoordination(input: $input) { proposal { id status leadVisit { id } visit { id status mergedInto { id } } from { code } to { code } } }
}`;

export const PROPOSALS = `query Proposals($filter: CoordinationProposalFilter) {
  coordinationProposals(filter: $filter) { id status note leadVisit { id } visit { id } from { code } to { code } }
}`;

export const LOAD = `query Load($providerId: ID!, $days: Int) {
  supervisoryLoad(providerId: $providerId, days: $days) {
    provider { id } days visitCount organisationCount byOrganisation { organisation { code } visitCount }
  }
}`;

export const DAY = 86_400_000;

/** A time `days` from `base`, at 09:00 UTC. */
export function dayAt(base: Date, days: number, hour = 9): Date {
  const date = new Date(base.getTime() + days * DAY);
  date.setUTCHours(hour, 0, 0, 0);
  return date;
}

export interface PlanOptions {
  providerIds: string[];
  start: Date;
  end?: Date;
  announced?: boolean;
  kind?: string;
  themes?: string[];
  sharedWith?: string[];
  locationId?: string;
  notes?: string;
}

export function planInput(options: PlanOptions) {
  return {
    providerIds: options.providerIds,
    start: options.start.toISOString(),
    end: (options.end ?? new Date(options.start.getTime() + 8 * 3600_000)).toISOString(),
    announced: options.announced ?? true,
    kind: options.kind ?? 'RISK_BASED',
    themes: options.themes ?? ['medicatieveiligheid'],
    sharedWith: options.sharedWith ?? [],
    ...(options.locationId ? { locationId: options.locationId } : {}),
    ...(options.notes ? { notes: options.notes } : {}),
  };
}

/** Plans a visit that must succeed; returns the payload. */
export async function plan(client: GraphQLClient, options: PlanOptions) {
  const data = await client.ok(PLAN_VISIT, { input: planInput(options) });
  return data.planVisit as { visit: any; conflicts: any[] };
}
