import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, type GraphQLFormattedError, type OperationDefinitionNode } from 'graphql';
import type { Logger } from '../platform/logging.js';
import type { RequestContext } from '../request-context.js';
import type { AuditOutcome } from './audit-trail.js';

const OUTCOMES = new Set<string>(['NOT_FOUND', 'FORBIDDEN', 'UNAUTHENTICATED', 'BAD_USER_INPUT', 'CONFLICT', 'SAMENLOOP_CONFLICT']);
/** Refusals of reads are audited too: they show who probes for what they may not see. */
const AUDITED_READ_REFUSALS = new Set<string>(['FORBIDDEN']);

/**
 * Completes each request's audit trail: failed writes and refused operations are recorded (successful ones were
 * recorded by their services), then the trail is written before the answer leaves. When the audit cannot be
 * written the answer is withheld: nothing is released unaudited.
 */
export function auditPlugin(logger: Logger): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response, operation }) {
          if (response.body.kind === 'single' && operation) {
            recordFailures(contextValue, operation, response.body.singleResult.errors ?? []);
          }
          // The request's own work is done: writing its audit is never stopped by its statement limit.
          contextValue.statements.limit = undefined;
          try {
            await contextValue.audit.flush();
          } catch (error) {
            logger.error({ err: error, requestId: contextValue.requestId }, 'audit log could not be written; answer withheld');
            response.http.status = 503;
            response.body = {
              kind: 'single',
              singleResult: {
                errors: [
                  {
                    message: 'The request could not be completed because the audit log is unavailable. Try again later.',
                    extensions: { code: 'SERVICE_UNAVAILABLE', requestId: contextValue.requestId },
                  },
                ],
              },
            };
          }
        },
      };
    },
  };
}

function recordFailures(
  context: RequestContext,
  operation: OperationDefinitionNode,
  errors: readonly GraphQLFormattedError[],
): void {
  if (errors.length === 0) return;
  const isMutation = operation.operation === 'mutation';
  const fieldByKey = new Map<string, string>();
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind === Kind.FIELD) fieldByKey.set(selection.alias?.value ?? selection.name.value, selection.name.value);
  }
  for (const error of errors) {
    const code = String(error.extensions?.code ?? 'ERROR');
    if (!isMutation && !AUDITED_READ_REFUSALS.has(code)) continue;
    const key = typeof error.path?.[0] === 'string' ? error.path[0] : undefined;
    const fields = key ? [fieldByKey.get(key) ?? key] : [...new Set(fieldByKey.values())];
    for (const field of fields) {
      context.audit.record({
        operation: field,
        resourceType: isMutation ? 'Mutation' : 'Query',
        resources: [],
        outcome: (OUTCOMES.has(code) ? code : 'ERROR') as AuditOutcome,
        details: refusalDetails(error.extensions),
      });
    }
  }
}

/** What a refusal's audit event keeps of its error: the field, and for una via the routing that held it back. */
function refusalDetails(extensions: GraphQLFormattedError['extensions']): Record<string, unknown> | undefined {
  const details = Object.fromEntries(
    (['field', 'routingId', 'fineAllowedFrom'] as const).filter((key) => typeof extensions?.[key] === 'string').map((key) => [key, extensions![key]]),
  );
  return Object.keys(details).length > 0 ? details : undefined;
}
