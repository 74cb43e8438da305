import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, parse, type DocumentNode, type OperationTypeNode } from 'graphql';

/**
 * Which kind of operation a GraphQL-over-HTTP request asks to run — before Apollo does — for what must be decided
 * in front of it (the rate limit of mutations). undefined when the request cannot be read: Apollo refuses it then.
 * Only a body that mentions `mutation` is parsed.
 */
export function operationKind(method: string, body: unknown): OperationTypeNode | undefined {
  if (method !== 'POST' || !body || typeof body !== 'object') return method === 'GET' ? ('query' as OperationTypeNode) : undefined;
  const { query, operationName } = body as { query?: unknown; operationName?: unknown };
  if (typeof query !== 'string') return undefined;
  if (!query.includes('mutation')) return 'query' as OperationTypeNode;
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: 4_000 });
  } catch {
    return undefined;
  }
  const operations = document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  const chosen = typeof operationName === 'string' ? operations.find((operation) => operation.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  return chosen?.operation;
}

/**
 * Writes the kind of the operation Apollo resolved onto the request context, for what depends on it inside
 * (reads that may go to the read replica only in a query: request-context.ts `replicaReads`).
 */
export function operationKindPlugin<Context extends { operation?: 'query' | 'mutation' | 'subscription' }>(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, operation }) {
          contextValue.operation = operation?.operation as Context['operation'];
        },
      };
    },
  };
}
