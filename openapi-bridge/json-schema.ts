import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/**
 * JSON Schemas made from the GraphQL schema, so that the REST bridge has one source: the request bodies are the
 * GraphQL input types, the response bodies what the bridge's named operations select. The routes validate with
 * these schemas, the OpenAPI document is made of them, and the tests check every answer against them.
 */
export type JsonSchema = Record<string, unknown>;

/** A moment as GraphQL's DateTime takes it: RFC 3339 with a time zone, no leap second, a T between date and time. */
export const DATE_TIME_PATTERN = '^\\d{4}-\\d{2}-\\d{2}T([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(\\.\\d{1,9})?(Z|[+-]([01]\\d|2[0-3]):[0-5]\\d)$';

const SCALARS: Record<string, JsonSchema> = {
  ID: { type: 'string' },
  String: { type: 'string' },
  Int: { type: 'integer', minimum: -2147483648, maximum: 2147483647 },
  Float: { type: 'number' },
  Boolean: { type: 'boolean' },
  DateTime: { type: 'string', format: 'date-time', pattern: DATE_TIME_PATTERN },
  LocalDate: { type: 'string', format: 'date' },
};

function scalarOrEnum(type: GraphQLNamedType): JsonSchema {
  if (isEnumType(type)) {
    return { type: 'string', enum: type.getValues().map((value) => value.name), ...(type.description ? { description: type.description } : {}) };
  }
  if (isScalarType(type)) {
    const schema = SCALARS[type.name];
    if (!schema) throw new Error(`No JSON Schema for the GraphQL scalar ${type.name}`);
    return { ...schema };
  }
  throw new Error(`${type.name} is not a scalar or enum`);
}

function nullable(schema: JsonSchema): JsonSchema {
  return typeof schema.type === 'string' ? { ...schema, type: [schema.type, 'null'], ...(schema.enum ? { enum: [...(schema.enum as unknown[]), null] } : {}) } : { anyOf: [schema, { type: 'null' }] };
}

/** The JSON Schema of a GraphQL input type: what a client may send. Optional fields may be absent or null. */
export function inputSchema(type: GraphQLInputType): JsonSchema {
  if (isNonNullType(type)) return inputSchema(type.ofType);
  return nullable(requiredInput(type));
}

function requiredInput(type: GraphQLInputType): JsonSchema {
  if (isNonNullType(type)) return requiredInput(type.ofType);
  if (isListType(type)) return { type: 'array', items: isNonNullType(type.ofType) ? requiredInput(type.ofType) : inputSchema(type.ofType) };
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields());
    return {
      type: 'object',
      ...(type.description ? { description: type.description } : {}),
      properties: Object.fromEntries(
        fields.map((field) => {
          const schema = isNonNullType(field.type) ? requiredInput(field.type) : inputSchema(field.type);
          return [field.name, { ...schema, ...(field.description ? { description: field.description } : {}) }];
        }),
      ),
      required: fields.filter((field) => isNonNullType(field.type) && field.defaultValue === undefined).map((field) => field.name),
      additionalProperties: false,
    };
  }
  return scalarOrEnum(type);
}

/** The required (non-null) JSON Schema of a GraphQL input type, e.g. a request body. */
export function requestSchema(schema: GraphQLSchema, typeName: string): JsonSchema {
  const type = schema.getType(typeName);
  if (!type || !isInputObjectType(type)) throw new Error(`${typeName} is not an input type`);
  return requiredInput(type);
}

/**
 * The JSON Schema of what `operation` answers at `path` (dot-separated field names or aliases, e.g.
 * `submitSignal.signal`): exactly the selected fields, nothing else (additionalProperties: false), so a test finds any
 * field the document does not promise. A path through a list names the list's items.
 */
export function selectionSchema(schema: GraphQLSchema, document: DocumentNode, path: string): JsonSchema {
  const operation = document.definitions.find((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
  if (!operation) throw new Error('The document has no operation');
  const root = operation.operation === 'mutation' ? schema.getMutationType()! : schema.getQueryType()!;
  let selectionSet: SelectionSetNode = operation.selectionSet;
  let parent: GraphQLNamedType = root;
  let type: GraphQLOutputType | undefined;
  for (const key of path.split('.')) {
    const field = fieldNode(selectionSet, key);
    if (!isObjectType(parent)) throw new Error(`${path}: ${parent.name} has no fields`);
    type = parent.getFields()[field.name.value]!.type;
    parent = getNamedType(type);
    if (!field.selectionSet) return outputSchema(type, undefined);
    selectionSet = field.selectionSet;
  }
  return outputSchema(getItemType(type!), selectionSet);
}

function getItemType(type: GraphQLOutputType): GraphQLOutputType {
  const inner = isNonNullType(type) ? type.ofType : type;
  return isListType(inner) ? getItemType(inner.ofType) : type;
}

function fieldNode(selectionSet: SelectionSetNode, key: string): FieldNode {
  const field = selectionSet.selections.find(
    (selection): selection is FieldNode => selection.kind === Kind.FIELD && (selection.alias?.value ?? selection.name.value) === key,
  );
  if (!field) throw new Error(`The operation selects no field ${key}`);
  return field;
}

function outputSchema(type: GraphQLOutputType, selectionSet: SelectionSetNode | undefined): JsonSchema {
  if (isNonNullType(type)) return requiredOutput(type.ofType, selectionSet);
  return nullable(requiredOutput(type, selectionSet));
}

function requiredOutput(type: GraphQLOutputType, selectionSet: SelectionSetNode | undefined): JsonSchema {
  if (isNonNullType(type)) return requiredOutput(type.ofType, selectionSet);
  if (isListType(type)) return { type: 'array', items: outputSchema(type.ofType, selectionSet) };
  if (isObjectType(type)) {
    if (!selectionSet) throw new Error(`${type.name} needs a selection`);
    const fields = selectionSet.selections.map((selection) => {
      if (selection.kind !== Kind.FIELD) throw new Error('The bridge operations select fields only (no fragments)');
      const definition = type.getFields()[selection.name.value];
      if (!definition) throw new Error(`${type.name} has no field ${selection.name.value}`);
      const schema = outputSchema(definition.type, selection.selectionSet);
      return [selection.alias?.value ?? selection.name.value, definition.description ? { ...schema, description: definition.description } : schema] as const;
    });
    return {
      type: 'object',
      ...(type.description ? { description: type.description } : {}),
      properties: Object.fromEntries(fields),
      required: fields.map(([name]) => name),
      additionalProperties: false,
    };
  }
  return scalarOrEnum(getNamedType(type));
}
