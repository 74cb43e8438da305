import { parse } from 'graphql';

/**
 * The named GraphQL operations the REST bridge's routes run (routes.ts), with the fields each answer carries: the
 * bridge answers with exactly what these select, and its response schemas are derived from them.
 */
const SIGNAL_FIELDS = `id externalId source { code } category severity possibleCriminalOffence providers { id } occurredAt receivedAt
  summary status hasSubject routings { id recipient { code } ruleId protocolVersion status dueAt decision { outcome note decidedAt decidedBy { code } } }`;
const VISIT_FIELDS = `id organisation { code } participants { code } providers { id } location { id municipalityCode } window { start end precision }
  announced kind status`;
const ACTION_FIELDS = `id organisation { code } provider { id name kvkNumber kboNumber } type legalBasis imposedOn validUntil deadline status
  published publishedAt`;

export const SUBMIT = parse(`mutation SubmitSignal($input: SubmitSignalInput!) { submitSignal(input: $input) { duplicate signal { ${SIGNAL_FIELDS} } } }`);
export const SUBMIT_BULK = parse(`mutation SubmitSignals($input: [SubmitSignalInput!]!) {
  submitSignals(input: $input) { created duplicates errors results { index externalId outcome signal { id } error { code field message problems { field message } } } }
}`);
export const SIGNAL = parse(`query Signal($id: ID!) { signal(id: $id) { ${SIGNAL_FIELDS} } }`);
export const SIGNALS = parse(`query Signals($filter: SignalFilter, $first: Int, $after: String) {
  signals(filter: $filter, first: $first, after: $after) { edges { node { ${SIGNAL_FIELDS} } } pageInfo { hasNextPage endCursor } }
}`);
export const DECIDE = parse(`mutation DecideRouting($input: DecideRoutingInput!) {
  decideRouting(input: $input) { routing { id recipient { code } ruleId protocolVersion status dueAt decision { outcome note decidedAt decidedBy { code } } } }
}`);
export const VISITS = parse(`query Visits($filter: VisitFilter, $first: Int, $after: String) {
  visits(filter: $filter, first: $first, after: $after) { edges { node { ${VISIT_FIELDS} } } pageInfo { hasNextPage endCursor } }
}`);
export const CONFLICT_CHECK = parse(`query VisitConflicts($input: VisitConflictCheckInput!) {
  visitConflicts(input: $input) { scope gapDays visit { ${VISIT_FIELDS} } }
}`);
export const PUBLIC_ACTIONS = parse(`query PublicEnforcementActions($filter: EnforcementActionFilter, $first: Int, $after: String) {
  publicEnforcementActions(filter: $filter, first: $first, after: $after) { edges { node { ${ACTION_FIELDS} } } pageInfo { hasNextPage endCursor } }
}`);

export const EVENTS = parse(`query Events($filter: EventFilter, $first: Int, $after: String) {
  events(filter: $filter, first: $first, after: $after) { edges { cursor node { id type occurredAt resourceType resourceId organisation { code } } } pageInfo { endCursor } }
}`);
