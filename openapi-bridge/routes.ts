import { DATE_TIME_PATTERN, requestSchema, selectionSchema, type JsonSchema } from './json-schema.js';
import { after, flag, id, nextLink, page, pageAnswer, pageSchema, type BridgeRoute, type OperationData } from './route-kit.js';

export type { BridgeRoute, RouteInput } from './route-kit.js';
import { cloudEvent, CLOUDEVENT_BATCH_CONTENT_TYPE, type EventRow } from '../src/notifications/index.js';
import { CONFLICT_CHECK, DECIDE, EVENTS, PUBLIC_ACTIONS, SIGNAL, SIGNALS, SUBMIT, SUBMIT_BULK, VISITS } from './operations.js';
import { problemOf } from './problem.js';
import { largestSubmissionBytes } from '../src/signals/index.js';

/** How GraphQL names the fields of a bulk body's items in errors: `input[3].summary`. */
const BULK_ITEM = /^input(\[\d+\])?\.?/;

const bulkResultSchema = (problem: JsonSchema): JsonSchema => ({
  type: 'object',
  properties: {
    created: { type: 'integer' },
    duplicates: { type: 'integer' },
    errors: { type: 'integer' },
    results: {
      type: 'array',
      description: 'One result per submitted item, in order.',
      items: {
        type: 'object',
        properties: {
          index: { type: 'integer' },
          externalId: { type: ['string', 'null'] },
          outcome: { type: 'string', enum: ['CREATED', 'DUPLICATE', 'ERROR'] },
          signalId: { type: ['string', 'null'], description: 'The signal created, or the existing one a duplicate is of.' },
          error: { anyOf: [problem, { type: 'null' }], description: 'Why the item was refused (outcome ERROR), in the same form as any error.' },
        },
        required: ['index', 'externalId', 'outcome', 'signalId', 'error'],
        additionalProperties: false,
      },
    },
  },
  required: ['created', 'duplicates', 'errors', 'results'],
  additionalProperties: false,
});

/** Set by the bridge: the problem schema, shared by every error answer and the bulk results; the events' source. */
export interface RouteTableOptions {
  problem: JsonSchema;
  eventSource: string;
}

const CLOUD_EVENT_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'A CloudEvent 1.0 (structured mode, NL GOV profile): a reference, never content. Read the resource through the API.',
  properties: {
    specversion: { type: 'string', enum: ['1.0'] },
    id: { type: 'string', description: 'The event id; the same as webhook-id. Dedupe on source + id.' },
    source: { type: 'string', description: 'urn:nld:oin:<OIN>:systeem:samenloop' },
    type: { type: 'string', description: 'nl.samenloop.<event type in lower case with hyphens>, e.g. nl.samenloop.signal-routed' },
    time: { type: 'string', format: 'date-time' },
    subject: { type: 'string', description: 'The id of the resource.' },
    datacontenttype: { type: 'string', enum: ['application/json'] },
    dataref: { type: 'string', description: 'Where the resource is read over this bridge, when it can be.' },
    data: {
      type: 'object',
      properties: { resourceType: { type: 'string' }, resourceId: { type: 'string' }, organisation: { type: 'string' } },
      required: ['resourceType', 'resourceId', 'organisation'],
      additionalProperties: false,
    },
  },
  required: ['specversion', 'id', 'source', 'type', 'time', 'subject', 'datacontenttype', 'data'],
  additionalProperties: false,
};

/**
 * The REST bridge's routes: each runs one named GraphQL operation in-process — so the same access gate, services,
 * validation and audit as a GraphQL client — and shapes its answer. The request and response schemas come from
 * the GraphQL schema and these operations (json-schema.ts); the OpenAPI document is made of this table.
 */
export function bridgeRoutes({ problem, eventSource }: RouteTableOptions): BridgeRoute[] {
  return [
    {
      operationId: 'submitSignal',
      method: 'POST',
      path: '/signals',
      summary: 'Submit one signal',
      description:
        'Idempotent on (your organisation, externalId): 201 with Location for a new signal, 200 with the existing one for the same content again, 409 for the same externalId with other content. A BSN goes in the body (subjectBsn) only, never in a URL.',
      operation: SUBMIT,
      body: (schema) => requestSchema(schema, 'SubmitSignalInput'),
      bodyLimit: 64 * 1024,
      parameters: [],
      variables: ({ body }) => ({ input: body }),
      answer: (data, _input, self) =>
        data.submitSignal.duplicate
          ? { status: 200, body: data.submitSignal.signal }
          : { status: 201, body: data.submitSignal.signal, headers: { Location: `${self}/${data.submitSignal.signal.id}` } },
      responses: {
        201: { description: 'Created: the new signal with its routings.', schema: (schema) => selectionSchema(schema, SUBMIT, 'submitSignal.signal'), headers: ['Location'] },
        200: { description: 'A duplicate of a signal you submitted with the same content: that signal.', schema: (schema) => selectionSchema(schema, SUBMIT, 'submitSignal.signal') },
      },
      errors: [400, 401, 403, 409, 413, 415],
    },
    {
      operationId: 'submitSignals',
      method: 'POST',
      path: '/signals/bulk',
      summary: 'Submit up to 1,000 signals at once',
      description: 'One result per item, in order: CREATED, DUPLICATE or ERROR (with the same problem form as any error). Valid items are kept when others fail.',
      operation: SUBMIT_BULK,
      body: (schema) => ({ type: 'array', minItems: 1, maxItems: 1000, items: requestSchema(schema, 'SubmitSignalInput') }),
      bodyLimit: largestSubmissionBytes().variables,
      parameters: [],
      variables: ({ body }) => ({ input: body }),
      answer: (data, _input, self) => ({
        status: 200,
        body: {
          created: data.submitSignals.created,
          duplicates: data.submitSignals.duplicates,
          errors: data.submitSignals.errors,
          results: data.submitSignals.results.map((result: OperationData) => ({
            index: result.index,
            externalId: result.externalId,
            outcome: result.outcome,
            signalId: result.signal?.id ?? null,
            error: result.error ? itemProblem(result.error, `${self}#${result.index}`) : null,
          })),
        },
      }),
      responses: { 200: { description: 'One result per submitted item.', schema: () => bulkResultSchema(problem) } },
      errors: [400, 401, 403, 413, 415],
      inputPrefix: BULK_ITEM,
    },
    {
      operationId: 'getSignal',
      method: 'GET',
      path: '/signals/{id}',
      summary: 'One signal with its routings',
      description: 'For its submitter and its recipients; 404 for anyone else, exactly as for an id that does not exist.',
      operation: SIGNAL,
      parameters: [id('id', 'signal')],
      variables: ({ params }) => ({ id: params.id }),
      answer: (data) => ({ status: 200, body: data.signal }),
      responses: { 200: { description: 'The signal.', schema: (schema) => selectionSchema(schema, SIGNAL, 'signal') } },
      errors: [400, 401, 403, 404],
    },
    {
      operationId: 'listSignals',
      method: 'GET',
      path: '/signals',
      summary: 'Signals you submitted or received, newest first',
      description: 'An inbox: routedToMe=true lists what was routed to your organisation, overdue=true what is past its due date undecided. Pages through `next` (also in the Link header).',
      operation: SIGNALS,
      parameters: [flag('routedToMe', 'Only signals routed to your organisation (false: not routed to it).'), flag('overdue', 'Only signals overdue for you.'), page, after],
      variables: ({ query }) => ({ filter: { routedToMe: query.routedToMe, overdue: query.overdue }, first: query.first, after: query.after }),
      answer: (data, input, self) => pageAnswer(data.signals, input, self),
      responses: { 200: { description: 'A page of signals.', schema: (schema) => pageSchema(schema, SIGNALS, 'signals'), headers: ['Link'] } },
      errors: [400, 401, 403],
    },
    {
      operationId: 'decideRouting',
      method: 'POST',
      path: '/signals/{id}/routings/{routingId}/decision',
      summary: 'Decide on a routing addressed to your organisation',
      description: 'ACCEPT, DECLINE (with a note) or JOINT; once, never changed (409 for a second decision).',
      operation: DECIDE,
      body: (schema) => {
        const input = requestSchema(schema, 'DecideRoutingInput') as { properties: Record<string, JsonSchema>; required: string[] };
        const { routingId: _routingId, signalId: _signalId, ...properties } = input.properties;
        return { ...input, properties, required: input.required.filter((name) => name in properties) };
      },
      bodyLimit: 16 * 1024,
      parameters: [id('id', 'signal'), id('routingId', 'routing')],
      variables: ({ body, params }) => ({ input: { ...(body as object), routingId: params.routingId, signalId: params.id } }),
      answer: (data) => ({ status: 200, body: data.decideRouting.routing }),
      responses: { 200: { description: 'The routing with its decision.', schema: (schema) => selectionSchema(schema, DECIDE, 'decideRouting.routing') } },
      errors: [400, 401, 403, 404, 409, 415],
    },
    {
      operationId: 'listVisits',
      method: 'GET',
      path: '/visits',
      summary: 'The shared planning: visits you may see, by provider and period',
      description: 'The planning view; of an unannounced visit of another organisation only its week (precision WEEK).',
      operation: VISITS,
      parameters: [
        { name: 'providerId', in: 'query', description: 'Only visits to this provider.', schema: { type: 'string', maxLength: 64 } },
        { name: 'from', in: 'query', description: 'Only visits ending after this moment (ISO 8601).', schema: { type: 'string', format: 'date-time', pattern: DATE_TIME_PATTERN } },
        { name: 'to', in: 'query', description: 'Only visits starting before this moment (ISO 8601).', schema: { type: 'string', format: 'date-time', pattern: DATE_TIME_PATTERN } },
        page,
        after,
      ],
      variables: ({ query }) => ({ filter: { providerId: query.providerId, from: query.from, to: query.to }, first: query.first, after: query.after }),
      answer: (data, input, self) => pageAnswer(data.visits, input, self),
      responses: { 200: { description: 'A page of visits.', schema: (schema) => pageSchema(schema, VISITS, 'visits'), headers: ['Link'] } },
      errors: [400, 401, 403],
    },
    {
      operationId: 'checkVisitConflicts',
      method: 'POST',
      path: '/visit-conflict-checks',
      summary: 'What-if: the visits a planned window would conflict with',
      description: 'Writes nothing.',
      operation: CONFLICT_CHECK,
      body: (schema) => requestSchema(schema, 'VisitConflictCheckInput'),
      bodyLimit: 16 * 1024,
      parameters: [],
      variables: ({ body }) => ({ input: body }),
      answer: (data) => ({ status: 200, body: { conflicts: data.visitConflicts } }),
      responses: {
        200: {
          description: 'The conflicts, earliest first.',
          schema: (schema) => ({
            type: 'object',
            properties: { conflicts: { type: 'array', items: selectionSchema(schema, CONFLICT_CHECK, 'visitConflicts') } },
            required: ['conflicts'],
            additionalProperties: false,
          }),
        },
      },
      errors: [400, 401, 403, 415],
    },
    {
      operationId: 'listEvents',
      method: 'GET',
      path: '/events',
      summary: "Your organisation's events, oldest first (the feed)",
      description:
        'CloudEvents (application/cloudevents-batch+json). The Link header always points past the last event you received: it is your bookmark. A system that was down pages on from there and misses nothing.',
      operation: EVENTS,
      parameters: [page, after],
      variables: ({ query }) => ({ first: query.first, after: query.after }),
      answer: (data, input, self) => {
        const edges = data.events.edges as Array<{ cursor: string; node: OperationData }>;
        const bookmark = data.events.pageInfo.endCursor ?? input.query.after;
        const events = edges.map(({ node }) =>
          cloudEvent({ ...node, organisation: node.organisation.code } as EventRow, eventSource),
        );
        return {
          status: 200,
          body: events,
          headers: { 'content-type': CLOUDEVENT_BATCH_CONTENT_TYPE, ...(bookmark ? { Link: `<${nextLink(self, input.query, String(bookmark))}>; rel="next"` } : {}) },
        };
      },
      responses: {
        200: {
          description: 'A page of events; the Link header continues after the last one.',
          schema: () => ({ type: 'array', items: CLOUD_EVENT_SCHEMA }),
          headers: ['Link'],
          contentType: CLOUDEVENT_BATCH_CONTENT_TYPE,
        },
      },
      errors: [400, 401, 403],
    },
    {
      operationId: 'listPublicEnforcementActions',
      method: 'GET',
      path: '/public/enforcement-actions',
      summary: 'Published enforcement measures (no token needed)',
      description: 'Openbaarmaking: published measures only, newest imposition first, without notes, related records or personal data.',
      public: true,
      operation: PUBLIC_ACTIONS,
      parameters: [
        { name: 'providerId', in: 'query', description: 'Only measures about this provider.', schema: { type: 'string', maxLength: 64 } },
        { name: 'from', in: 'query', description: 'Imposed on or after this day.', schema: { type: 'string', format: 'date' } },
        { name: 'to', in: 'query', description: 'Imposed on or before this day.', schema: { type: 'string', format: 'date' } },
        page,
        after,
      ],
      variables: ({ query }) => ({ filter: { providerId: query.providerId, from: query.from, to: query.to }, first: query.first, after: query.after }),
      answer: (data, input, self) => pageAnswer(data.publicEnforcementActions, input, self),
      responses: {
        200: { description: 'A page of published measures.', schema: (schema) => pageSchema(schema, PUBLIC_ACTIONS, 'publicEnforcementActions'), headers: ['Link'] },
      },
      errors: [400],
    },
  ];
}

/** A bulk item's error in the problem form, its fields named within the item. */
function itemProblem(error: { code: string; field: string | null; message: string; problems: Array<{ field: string; message: string }> }, instance: string) {
  const problems = error.problems.length > 0 ? error.problems : error.field ? [{ field: error.field, message: error.message }] : [];
  return problemOf({ message: error.message, extensions: { code: error.code, field: error.field ?? undefined, problems } }, instance, BULK_ITEM);
}
