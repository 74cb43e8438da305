import { printSchemaWithDirectives } from '@graphql-tools/utils';
import {
  DirectiveLocation,
  GraphQLBoolean,
  GraphQLDirective,
  GraphQLNonNull,
  GraphQLScalarType,
  Kind,
  lexicographicSortSchema,
  parse,
  print,
  type DefinitionNode,
  type GraphQLSchema,
} from 'graphql';

/**
 * The Apollo Federation 2 subgraph protocol, without a framework: the directive definitions the schema uses
 * (`@key`, `@shareable`), the `_Any` scalar of `_entities`, and the SDL that `_service { sdl }` answers and
 * schema/subgraph.graphql holds. Which types are entities, and how a reference is resolved, is the domain's
 * (src/federation/). Spec: https://www.apollographql.com/docs/graphos/schema-design/federated-schemas/reference/subgraph-spec
 */
export const FEDERATION_SPEC_URL = 'https://specs.apollo.dev/federation/v2.5';
const IMPORTED = ['@key', '@shareable'];

const FieldSet = new GraphQLScalarType({ name: 'federation__FieldSet', description: 'A selection of fields, for @key.' });

export const FEDERATION_DIRECTIVES: readonly GraphQLDirective[] = [
  new GraphQLDirective({
    name: 'key',
    locations: [DirectiveLocation.OBJECT, DirectiveLocation.INTERFACE],
    isRepeatable: true,
    args: { fields: { type: new GraphQLNonNull(FieldSet) }, resolvable: { type: GraphQLBoolean, defaultValue: true } },
  }),
  new GraphQLDirective({ name: 'shareable', locations: [DirectiveLocation.OBJECT, DirectiveLocation.FIELD_DEFINITION], isRepeatable: true }),
];

/** A representation of an entity, as a gateway sends it: `{ __typename, <key fields> }`. */
export const AnyScalar = new GraphQLScalarType({
  name: '_Any',
  description: 'An entity representation: { __typename, ...key fields }.',
  parseValue: (value) => value,
  serialize: (value) => value,
});

/** What belongs to the protocol itself, not to the subgraph's own schema: left out of the printed SDL. */
const PROTOCOL_TYPES = new Set(['_Any', '_Entity', '_Service', 'federation__FieldSet']);
const PROTOCOL_FIELDS = new Set(['_service', '_entities']);

/** The subgraph SDL: the schema with its federation directives, sorted, linked to the federation spec. */
export function printSubgraphSdl(schema: GraphQLSchema): string {
  const document = parse(printSchemaWithDirectives(lexicographicSortSchema(schema)));
  const definitions: DefinitionNode[] = [];
  for (const definition of document.definitions) {
    if (definition.kind === Kind.DIRECTIVE_DEFINITION && FEDERATION_DIRECTIVES.some((directive) => directive.name === definition.name.value)) continue;
    if ('name' in definition && definition.name && PROTOCOL_TYPES.has(definition.name.value)) continue;
    if (definition.kind === Kind.SCHEMA_DEFINITION) continue;
    if (definition.kind === Kind.OBJECT_TYPE_DEFINITION && definition.name.value === 'Query') {
      definitions.push({ ...definition, fields: definition.fields?.filter((field) => !PROTOCOL_FIELDS.has(field.name.value)) });
      continue;
    }
    definitions.push(definition);
  }
  const link = `extend schema @link(url: "${FEDERATION_SPEC_URL}", import: [${IMPORTED.map((name) => `"${name}"`).join(', ')}])`;
  return `${link}\n\n${print({ kind: Kind.DOCUMENT, definitions })}\n`;
}
