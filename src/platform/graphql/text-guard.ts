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
          const bad = unstorableVariable(request.variables ?? {}) ?? badLiteral(document);
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

/**
 * Where in the variables the first text that cannot be stored is (`input[3].summary`; `variables` for a top-level
 * key), or undefined. The path is put together only on the way back from a find, not for every value passed.
 */
export function unstorableVariable(variables: Record<string, unknown>): string | undefined {
  const found = stepsToBad(variables);
  if (!found) return undefined;
  let path = '';
  for (let step = found.length - 1; step >= 0; step--) {
    const at = found[step]!;
    path = typeof at === 'number' ? `${path}[${at}]` : path ? `${path}.${at}` : at;
  }
  return path || 'variables';
}

/** The steps from `value` to the first unstorable text, innermost first; undefined when there is none. */
function stepsToBad(value: unknown): Array<string | number> | undefined {
  if (typeof value === 'string') return storable(value) ? undefined : [];
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const found = stepsToBad(value[index]);
      if (found) return [...found, index];
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      if (!storable(key)) return [];
      const found = stepsToBad((value as Record<string, unknown>)[key]);
      if (found) return [...found, key];
    }
  }
  return undefined;
}

/** Whether each document seen holds a literal that cannot be stored: Apollo hands the same parsed document to every request with its query text. */
const literalsChecked = new WeakMap<DocumentNode, string | undefined>();

function badLiteral(document: DocumentNode): string | undefined {
  if (literalsChecked.has(document)) return literalsChecked.get(document);
  let found: string | undefined;
  visit(document, {
    [Kind.STRING]: (node) => {
      if (!found && !storable(node.value)) found = 'query';
    },
  });
  literalsChecked.set(document, found);
  return found;
}
