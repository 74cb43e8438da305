import type { GraphQLClient } from './test-app.js';

export const SIGNAL_FIELDS = `id externalId source { code } category severity possibleCriminalOffence providers { id } occurredAt receivedAt
  summary status hasSubject routings { id recipient { code } ruleId protocolVersion status dueAt decision { outcome note decidedBy { code } } }`;

export const SUBMIT_SIGNAL = `mutation Submit($input: SubmitSignalInput!) {
  submitSignal(input: $input) { duplicate signal { ${SIGNAL_FIELDS} } routings { id recipient { code } ruleId protocolVersion dueAt status } }
}`;

export const SUBMIT_SIGNALS = `mutation SubmitMany($input: [SubmitSignalInput!]!) {
  submitSignals(input: $input) { created duplicates errors results { index externalId outcome signal { id } error { code field message } } }
}`;

export const SIGNAL = `query Signal($id: ID!) { signal(id: $id) { ${SIGNAL_FIELDS} relatedSignals { id } } }`;

export const SIGNALS = `query Signals($filter: SignalFilter, $first: Int, $after: String) {
  signals(filter: $filter, first: $first, after: $after) { totalCount edges { node { id externalId status routings { recipient { code } status } } } pageInfo { hasNextPage endCursor } }
}`;

export const DECIDE = `mutation Decide($input: DecideRoutingInput!) {
  decideRouting(input: $input) { routing { id status recipient { code } decision { outcome note decidedAt decidedBy { code } } } }
}`;

let counter = 0;

export function signalInput(overrides: Record<string, unknown> = {}) {
  counter += 1;
  return {
    externalId: `EXT-${process.pid}-${counter}`,
    category: 'KLACHT',
    severity: 'MEDIUM',
    possibleCriminalOffence: false,
    providers: [] as Array<Record<string, string>>,
    occurredAt: '2026-10-01T12:00:00Z',
    summary: 'Cliënt meldt gebrekkige zorg',
    ...overrides,
  };
}

export async function submit(client: GraphQLClient, input: Record<string, unknown>) {
  return (await client.ok(SUBMIT_SIGNAL, { input })).submitSignal as { duplicate: boolean; signal: any; routings: any[] };
}
