import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import {
  getNamedType,
  getNullableType,
  GraphQLError,
  isCompositeType,
  isListType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { Extensions } from 'type-graphql';
import { DEFAULT_PAGE_SIZE } from './page-size.js';

/**
 * How much a query may ask for, counted before it runs. The model, deliberately simple:
 *
 * - a field that returns an object (or a list of them) costs 1 for every item it may return, plus what is
 *   selected below it for each of those items; scalar fields cost nothing;
 * - the number of items is the field's `first` argument (from the query, its variables, or the argument's
 *   default; the default page size when none), or the documented cap a list field declares with `ListSize`, or
 *   1 for a list whose size its parent's `first` already counted (the `edges` of a connection), or the length of
 *   the list argument that decides it (`_entities(representations:)`, one item per representation);
 * - a list that declares nothing is counted as `UNDECLARED_LIST_SIZE` items, and `undeclaredListFields` lists
 *   it, so that a test can insist that every list states its bound.
 *
 * Introspection fields (`__schema`, `__type`) are not counted: production turns introspection off.
 */
export type ListSizeDeclaration = { max: number } | { parent: true } | { argument: string; max: number };

/** Declares how many items a list field returns at most, or that its parent's `first` counts them. */
export const ListSize = (size: ListSizeDeclaration) => Extensions({ listSize: size });

export const UNDECLARED_LIST_SIZE = 100;

type Variables = Record<string, unknown> | undefined;

function listSizeOf(field: GraphQLField<unknown, unknown>): ListSizeDeclaration | undefined {
  return (field.extensions as { listSize?: ListSizeDeclaration } | undefined)?.listSize;
}

function intValue(node: ValueNode | undefined, variables: Variables): number | undefined {
  if (!node) return undefined;
  if (node.kind === Kind.INT) return Number(node.value);
  if (node.kind === Kind.VARIABLE) {
    const value = variables?.[node.name.value];
    return typeof value === 'number' ? value : undefined;
  }
  return undefined;
}

/** How many items a field may return, for the cost of what is selected below it. */
function itemsOf(field: GraphQLField<unknown, unknown>, argumentNodes: readonly { name: { value: string }; value: ValueNode }[], variables: Variables): number {
  const first = field.args.find((arg) => arg.name === 'first');
  if (first) {
    const given = intValue(argumentNodes.find((arg) => arg.name.value === 'first')?.value, variables);
    const fallback = typeof first.defaultValue === 'number' ? first.defaultValue : DEFAULT_PAGE_SIZE;
    return Math.max(1, given ?? fallback);
  }
  if (!isListType(getNullableType(field.type))) return 1;
  const declared = listSizeOf(field);
  if (!declared) return UNDECLARED_LIST_SIZE;
  if ('parent' in declared) return 1;
  if ('argument' in declared) {
    const length = listLength(argumentNodes.find((arg) => arg.name.value === declared.argument)?.value, variables);
    return Math.max(1, Math.min(length ?? declared.max, declared.max));
  }
  return declared.max;
}

function listLength(node: ValueNode | undefined, variables: Variables): number | undefined {
  if (!node) return undefined;
  if (node.kind === Kind.LIST) return node.values.length;
  if (node.kind === Kind.VARIABLE) {
    const value = variables?.[node.name.value];
    return Array.isArray(value) ? value.length : undefined;
  }
  return 1;
}

/** The cost of one operation of `document` (the named one, or the only one) with these variables. */
export function operationCost(schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined | null, variables: Variables): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  const operations = [];
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    if (definition.kind === Kind.OPERATION_DEFINITION) operations.push(definition);
  }
  const operation = operationName ? operations.find((candidate) => candidate.name?.value === operationName) : operations[0];
  if (!operation) return 0;
  const root = operation.operation === 'mutation' ? schema.getMutationType() : operation.operation === 'query' ? schema.getQueryType() : undefined;
  if (!root) return 0;

  const cost = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType, seen: ReadonlySet<string>): number => {
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? (schema.getType(selection.typeCondition.name.value) as GraphQLCompositeType) : parent;
        total += cost(selection.selectionSet, type ?? parent, seen);
      } else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (!fragment || seen.has(fragment.name.value)) continue; // cycles are refused by validation anyway
        const type = (schema.getType(fragment.typeCondition.name.value) as GraphQLCompositeType | undefined) ?? parent;
        total += cost(fragment.selectionSet, type, new Set([...seen, fragment.name.value]));
      } else {
        if (selection.name.value.startsWith('__') || !('getFields' in parent)) continue;
        const field = parent.getFields()[selection.name.value] as GraphQLField<unknown, unknown> | undefined;
        if (!field) continue;
        const type = getNamedType(field.type);
        if (!isCompositeType(type) || !selection.selectionSet) continue;
        total += itemsOf(field, selection.arguments ?? [], variables) * (1 + cost(selection.selectionSet, type, seen));
      }
    }
    return total;
  };
  return cost(operation.selectionSet, root, new Set());
}

/** Refuses, before anything runs, an operation that would cost more than `maxCost`: HTTP 400, never a 500. */
export function costLimitPlugin<Context extends BaseContext>(maxCost: number): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, operationName, schema }) {
          const cost = operationCost(schema, document, operationName, request.variables);
          if (cost > maxCost) {
            throw new GraphQLError(`This query would cost ${cost} (limit ${maxCost}): ask for smaller pages or fewer nested lists.`, {
              extensions: { code: 'GRAPHQL_VALIDATION_FAILED', cost, maxCost, http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}

/** Every list field of objects that declares neither a `first` argument nor a `ListSize`: "Type.field". */
export function undeclaredListFields(schema: GraphQLSchema): string[] {
  const found: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const listOfObjects = isListType(getNullableType(field.type)) && isCompositeType(getNamedType(field.type));
      if (listOfObjects && !field.args.some((arg) => arg.name === 'first') && !listSizeOf(field)) found.push(`${type.name}.${field.name}`);
    }
  }
  return found.sort();
}
