import type { ApolloServerPlugin } from '@apollo/server';
import { type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { AppError } from '../platform/errors.js';
import type { RequestContext } from '../request-context.js';
import { checkOperationAccess, operationAccess, rootFieldNames } from './operation-access.js';

/**
 * Checks, before anything executes, that the caller may use every root field the operation selects. A rejected
 * token fails the request here too, whatever it asks for.
 */
export function accessGatePlugin(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, operation, document, schema }) {
          try {
            gate(contextValue, operation, document, schema);
          } catch (error) {
            throw withHttpStatus(error);
          }
        },
      };
    },
  };
}

function gate(context: RequestContext, operation: OperationDefinitionNode | undefined, document: DocumentNode, schema: GraphQLSchema): void {
  if (context.authError) throw context.authError;
  if (!operation) return;
  const root = operation.operation === 'mutation' ? schema.getMutationType() : schema.getQueryType();
  if (operation.operation === 'subscription' || !root) {
    checkOperationAccess(operation.operation, undefined, context.viewer);
    return;
  }
  const fields = root.getFields();
  for (const name of rootFieldNames(operation, document)) {
    if (name.startsWith('__')) continue;
    const field = fields[name];
    if (field) checkOperationAccess(name, operationAccess(field), context.viewer);
  }
}

/**
 * A refusal before anything ran answers with the matching HTTP status — 401 with a Bearer challenge for a missing
 * or rejected token, 403 for an organisation or role that may not — rather than the 500 of a failing hook.
 */
function withHttpStatus(error: unknown): unknown {
  if (!(error instanceof AppError) || (error.code !== 'UNAUTHENTICATED' && error.code !== 'FORBIDDEN')) return error;
  // Apollo Server reads `extensions.http` (headers as a Map) and leaves it out of the answer. Each refusal is its
  // own error object, made for this request.
  const status = error.code === 'UNAUTHENTICATED' ? 401 : 403;
  Object.assign(error.extensions, { http: { status, headers: new Map(status === 401 ? [['www-authenticate', 'Bearer']] : []) } });
  return error;
}
