import type { ApolloServerPlugin } from '@apollo/server';
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
          if (contextValue.authError) throw contextValue.authError;
          if (!operation) return;
          const root = operation.operation === 'mutation' ? schema.getMutationType() : schema.getQueryType();
          if (operation.operation === 'subscription' || !root) {
            checkOperationAccess(operation.operation, undefined, contextValue.viewer);
            return;
          }
          const fields = root.getFields();
          for (const name of rootFieldNames(operation, document)) {
            if (name.startsWith('__')) continue;
            const field = fields[name];
            if (field) checkOperationAccess(name, operationAccess(field), contextValue.viewer);
          }
        },
      };
    },
  };
}
