/**
 * Every GraphQL operation the console sends: the public API only (test/console/serving.test.ts validates each
 * against the server's schema, so a renamed field fails a test rather than a planner).
 */

const VISIT_FIELDS = `
  id announced kind status themes detail
  organisation { code name }
  participants { code name }
  providers { id name }
  location { id name }
  window { start end precision }
  mergedInto { id }
  conflicts { scope gapDays resolution justification visit { id organisation { code name } window { start end precision } announced kind status } }
`;

export const ME = `query Me { me { sub roles organisation { code name kind } } }`;

export const ORGANISATIONS = `query Organisations { organisations { code name kind } }`;

const PROVIDER_FIELDS = `id name kvkNumber kboNumber agbCode sectors locations { id name city postcode municipalityCode country }`;

export const PROVIDER = `query Provider($id: ID!) { provider(id: $id) { ${PROVIDER_FIELDS} } }`;

/** The start of the provider page: the first providers within the user's reach, by name. */
export const LIST_PROVIDERS = `query ListProviders { providers(first: 15) { totalCount edges { node { ${PROVIDER_FIELDS} } } } }`;

export const FIND_PROVIDERS = `query FindProviders($name: String, $kvk: String, $kbo: String, $agb: String, $byNumber: Boolean!) {
  byName: providers(filter: { name: $name }, first: 20) @skip(if: $byNumber) { totalCount edges { node { ${PROVIDER_FIELDS} } } }
  byKvk: providers(filter: { kvkNumber: $kvk }, first: 5) @include(if: $byNumber) { edges { node { ${PROVIDER_FIELDS} } } }
  byKbo: providers(filter: { kboNumber: $kbo }, first: 5) @include(if: $byNumber) { edges { node { ${PROVIDER_FIELDS} } } }
  byAgb: providers(filter: { agbCode: $agb }, first: 5) @include(if: $byNumber) { edges { node { ${PROVIDER_FIELDS} } } }
}`;

export const PROVIDER_DETAILS = `query ProviderDetails($id: ID!) {
  provider(id: $id) {
    ${PROVIDER_FIELDS}
    enforcementActions(first: 50) { id type status legalBasis imposedOn validUntil deadline published organisation { code name } }
  }
}`;

/** Separate from the details: roles without the planning view (intake) get FORBIDDEN here and still see the rest. */
export const PROVIDER_PLANNING = `query ProviderPlanning($id: ID!, $from: DateTime!, $to: DateTime!, $days: Int!) {
  visits(filter: { providerId: $id, from: $from, to: $to }, first: 100) { totalCount edges { node { ${VISIT_FIELDS} } } }
  supervisoryLoad(providerId: $id, days: $days) { days visitCount organisationCount enforcementCount byOrganisation { organisation { code name } visitCount enforcementCount } }
}`;

/** Separate again: a planner without a signal role gets FORBIDDEN here and still sees the rest. */
export const OPEN_SIGNAL_COUNT = `query OpenSignalCount($id: ID!) {
  open: signals(filter: { providerId: $id, status: OPEN }, first: 1) { totalCount }
  overdue: signals(filter: { providerId: $id, status: OVERDUE }, first: 1) { totalCount }
}`;

export const MY_VISITS = `query MyVisits($org: String!, $from: DateTime!) {
  visits(filter: { organisationCode: $org, from: $from }, first: 100) { edges { node { ${VISIT_FIELDS} } } }
}`;

export const PROPOSALS = `query Proposals {
  coordinationProposals {
    id status note createdAt respondedAt responseNote
    from { code name } to { code name }
    leadVisit { id kind window { start end precision } providers { name } }
    visit { id kind window { start end precision } providers { name } }
  }
}`;

export const VISIT_CONFLICTS = `query VisitConflicts($input: VisitConflictCheckInput!) {
  visitConflicts(input: $input) {
    scope gapDays
    visit { id announced kind status organisation { code name } window { start end precision } providers { name } location { name } }
  }
}`;

export const PLAN_VISIT = `mutation PlanVisit($input: PlanVisitInput!) {
  planVisit(input: $input) { visit { id } conflicts { scope visit { id organisation { code } } } }
}`;

export const ACKNOWLEDGE_CONFLICT = `mutation AcknowledgeConflict($input: AcknowledgeConflictInput!) {
  acknowledgeConflict(input: $input) { visit { id } }
}`;

export const COORDINATE_VISITS = `mutation CoordinateVisits($input: CoordinateVisitsInput!) {
  coordinateVisits(input: $input) { visit { id } proposals { id status } }
}`;

export const RESPOND_TO_COORDINATION = `mutation RespondToCoordination($input: RespondToCoordinationInput!) {
  respondToCoordination(input: $input) { proposal { id status } }
}`;

export const SIGNAL_INBOX = `query SignalInbox {
  signals(filter: { routedToMe: true }, first: 100) {
    totalCount
    edges { node {
      id externalId category severity possibleCriminalOffence summary occurredAt receivedAt status
      source { code name }
      providers { id name }
      routings { id status dueAt ruleId recipient { code name } decision { outcome note decidedAt } }
    } }
  }
}`;

export const DECIDE_ROUTING = `mutation DecideRouting($input: DecideRoutingInput!) {
  decideRouting(input: $input) { routing { id status } }
}`;

export const ALL_OPERATIONS = {
  ME,
  ORGANISATIONS,
  PROVIDER,
  LIST_PROVIDERS,
  FIND_PROVIDERS,
  PROVIDER_DETAILS,
  PROVIDER_PLANNING,
  OPEN_SIGNAL_COUNT,
  MY_VISITS,
  PROPOSALS,
  VISIT_CONFLICTS,
  PLAN_VISIT,
  ACKNOWLEDGE_CONFLICT,
  COORDINATE_VISITS,
  RESPOND_TO_COORDINATION,
  SIGNAL_INBOX,
  DECIDE_ROUTING,
};
