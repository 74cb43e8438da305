import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { Kind } from 'graphql';
import type { Metrics } from '../metrics.js';

/** Counts operations per root field and outcome. */
export function metricsPlugin<Context extends BaseContext>(metrics: Metrics): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ operation, response }) {
          if (!operation) return;
          const errors = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
          const outcome = errors.length === 0 ? 'ok' : String(errors[0]?.extensions?.code ?? 'ERROR');
          for (const selection of operation.selectionSet.selections) {
            if (selection.kind !== Kind.FIELD || selection.name.value.startsWith('__')) continue;
            metrics.graphqlOperations.inc({ operation: selection.name.value, type: operation.operation, outcome });
          }
        },
      };
    },
  };
}
