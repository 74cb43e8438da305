import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { Kind, visit, type DocumentNode } from 'graphql';
import { BadUserInputError } from '../errors.js';

/**
 * Text that cannot be stored is refused before anything runs: a NUL character (PostgreSQL text cannot hold it) or
 * a lone surrogate (not well-formed Unicode). Checked in every string of the variables and of the query itself,
 * so no service meets one, and no database error quotes one back into a log.
 */
export function textGuardPlugin<Context extends BaseContext>(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          const bad = badVariable(request.variables ?? {}, '') ?? badLiteral(document);
          if (!bad) return;
          const error = new BadUserInputError(bad, 'This text holds a character that cannot be stored (a NUL, or a lone surrogate).');
          // Refused before anything runs, like variables GraphQL cannot coerce: a 400 (not Apollo's 500 for hooks).
          Object.assign(error.extensions, { http: { status: 400 } });
          throw error;
        },
      };
    },
  };
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function storable(text: string): boolean {
  return !text.includes('\u0000') && !LONE_SURROGATE.test(text);
}

function badVariable(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return storable(value) ? undefined : path || 'variables';
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = badVariable(item, `${path}[${index}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (!storable(key)) return path || 'variables';
      const found = badVariable(item, path ? `${path}.${key}` : key);
      if (found) return found;
    }
  }
  return undefined;
}

function badLiteral(document: DocumentNode): string | undefined {
  let found: string | undefined;
  visit(document, {
    [Kind.STRING]: (node) => {
      if (!found && !storable(node.value)) found = 'query';
    },
  });
  return found;
}
