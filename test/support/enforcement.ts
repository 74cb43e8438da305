import type { GraphQLClient } from './test-app.js';

export const ACTION_FIELDS = `id organisation { code } provider { id name kvkNumber kboNumber locations { id } } type legalBasis imposedOn validUntil
  deadline status published publishedAt notes relatedSignals { id } relatedVisits { id } history { status note changedBy { code } }`;

export const RECORD = `mutation Record($input: RecordEnforcementActionInput!) { recordEnforcementAction(input: $input) { enforcementAction { ${ACTION_FIELDS} } } }`;
export const PUBLISH = `mutation Publish($input: PublishEnforcementActionInput!) { publishEnforcementAction(input: $input) { enforcementAction { ${ACTION_FIELDS} } } }`;
export const UPDATE_STATUS = `mutation Update($input: UpdateEnforcementActionStatusInput!) {
  updateEnforcementActionStatus(input: $input) { enforcementAction { ${ACTION_FIELDS} } }
}`;
export const ACTION = `query Action($id: ID!) { enforcementAction(id: $id) { ${ACTION_FIELDS} } }`;
export const ACTIONS = `query Actions($filter: EnforcementActionFilter, $first: Int, $after: String) {
  enforcementActions(filter: $filter, first: $first, after: $after) { totalCount edges { cursor node { ${ACTION_FIELDS} } } pageInfo { hasNextPage endCursor } }
}`;
export const PUBLIC_ACTIONS = `query Public($filter: EnforcementActionFilter, $first: Int, $after: String) {
  publicEnforcementActions(filter: $filter, first: $first, after: $after) { totalCount edges { node { ${ACTION_FIELDS} } } pageInfo { hasNextPage endCursor } }
}`;

/** A valid measure to record; `overrides` change one thing at a time. */
export function actionInput(providerId: string, overrides: Record<string, unknown> = {}) {
  return { providerId, type: 'NORMOVERDRAGEND_GESPREK', legalBasis: 'Wkkgz art. 27', imposedOn: '2026-11-02', ...overrides };
}

export async function record(client: GraphQLClient, input: Record<string, unknown>) {
  return (await client.ok(RECORD, { input })).recordEnforcementAction.enforcementAction as Record<string, any>;
}
