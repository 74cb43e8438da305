import type { GraphQLResolveInfo, GraphQLSchema } from 'graphql';
import { Arg, createUnionType, Ctx, Field, Info, ObjectType, Query, Resolver } from 'type-graphql';
import { Public } from '../access/operation-access.js';
import { getOrMake } from '../platform/collections.js';
import { BadUserInputError, InputProblems } from '../platform/errors.js';
import { ListSize } from '../platform/graphql/cost-limit.js';
import { AnyScalar, printSubgraphSdl } from '../platform/graphql/federation.js';
import type { RequestContext } from '../request-context.js';
import { ENTITY_KINDS, entityKind, loaderFor, type EntityKind } from './entities.js';

/** At most this many representations per `_entities` call (a gateway batches far fewer). */
export const MAX_REPRESENTATIONS = 1000;

/**
 * The type each resolved entity was asked for as, for the union's resolveType: one entry per row object (a loader's
 * rows are its own type's; nothing is copied to carry the type name).
 */
const entityTypes = new WeakMap<object, string>();
const printed = new WeakMap<GraphQLSchema, string>();

export const EntityUnion = createUnionType({
  name: '_Entity',
  types: () => Object.values(ENTITY_KINDS).map((kind) => kind.type) as never,
  resolveType: (value: object) => entityTypes.get(value),
});

@ObjectType('_Service', { simpleResolvers: true })
export class ServiceType {
  @Field(() => String, { description: 'This subgraph’s SDL, with its federation directives (also in schema/subgraph.graphql).' })
  sdl!: string;
}

interface Representation {
  __typename: string;
  [key: string]: unknown;
}

/**
 * The federation entry points. `_entities` resolves each representation through its type's loader: one
 * statement per type however many representations, the same access rules and views as `provider(id)`,
 * `visit(id)` and the rest, and null for what the caller may not see — audited like any other read.
 */
@Resolver()
export class FederationResolver {
  @Query(() => ServiceType, { name: '_service', description: 'Federation: the subgraph SDL, for composition.' })
  @Public('the subgraph SDL describes the schema, which is published in the repository; it holds no data')
  service(@Info() info: GraphQLResolveInfo): ServiceType {
    let sdl = printed.get(info.schema);
    if (!sdl) printed.set(info.schema, (sdl = printSubgraphSdl(info.schema)));
    return { sdl };
  }

  @Query(() => [EntityUnion], { name: '_entities', nullable: 'items', description: 'Federation: entities by their keys; null for what you may not see.' })
  @ListSize({ argument: 'representations', max: MAX_REPRESENTATIONS })
  @Public('each entity type applies its own access rules inside; without a token only published measures and organisations resolve')
  async entities(
    @Arg('representations', () => [AnyScalar], { description: `At most ${MAX_REPRESENTATIONS}.` }) representations: Representation[],
    @Ctx() context: RequestContext,
  ): Promise<Array<object | null>> {
    const keys = checkRepresentations(representations);
    const byType = new Map<string, Set<string>>();
    for (const { typename, key } of keys) getOrMake(byType, typename, () => new Set<string>()).add(key);
    const resolved = new Map<string, Map<string, object | undefined>>();
    await Promise.all([...byType].map(async ([typename, values]) => resolved.set(typename, await resolveKind(context, typename, values))));
    return keys.map(({ typename, key }) => {
      const entity = resolved.get(typename)!.get(key);
      if (!entity) return null;
      const tagged = entityTypes.get(entity);
      // A row is its own loader's; one answering as two types would make the union resolve it wrongly.
      if (tagged !== undefined && tagged !== typename) throw new Error(`one row resolved as both ${tagged} and ${typename}`);
      entityTypes.set(entity, typename);
      return entity;
    });
  }
}

/**
 * The keys of one entity type, resolved through its loader (one statement) and audited: key → entity, undefined for
 * what the caller may not see or what cannot be an id of this type.
 */
async function resolveKind(context: RequestContext, typename: string, values: Set<string>): Promise<Map<string, object | undefined>> {
  const kind = entityKind(typename)!;
  const loader = loaderFor(context, kind);
  const wellFormed = loader ? [...values].filter(kind.wellFormed) : [];
  const found = wellFormed.length > 0 ? await loader!.loadMany(wellFormed.map((value) => normalise(kind.key, value))) : [];
  const entities = new Map<string, object | undefined>(wellFormed.map((value, index) => {
    const entity = found[index];
    if (entity instanceof Error) throw entity;
    return [value, entity];
  }));
  for (const value of values) if (!entities.has(value)) entities.set(value, undefined);
  await audit(context, kind, typename, entities);
  return entities;
}

function normalise(key: 'id' | 'code', value: string): string {
  return key === 'id' ? value.toLowerCase() : value;
}

/** Every representation names a known entity type and carries its key as a string; all problems at once. */
function checkRepresentations(representations: readonly Representation[]): Array<{ typename: string; key: string }> {
  if (representations.length > MAX_REPRESENTATIONS) throw new BadUserInputError('representations', `At most ${MAX_REPRESENTATIONS} representations at once.`);
  const problems = new InputProblems();
  const keys = representations.map((representation, index) => {
    const field = `representations[${index}]`;
    const typename = typeof representation === 'object' && representation !== null ? representation.__typename : undefined;
    const kind = entityKind(typename);
    if (!kind) {
      problems.add(field, `Not an entity of this subgraph (${Object.keys(ENTITY_KINDS).join(', ')}).`);
      return { typename: '', key: '' };
    }
    const key = representation[kind.key];
    if (typeof key !== 'string' || key.length === 0 || key.length > 64) problems.add(`${field}.${kind.key}`, `A ${typename} is referenced by its ${kind.key}.`);
    return { typename: typename!, key: String(key) };
  });
  problems.throwIfAny();
  return keys;
}

/**
 * A read through `_entities` is audited like any other: what was shown, by its own id, with its owners; what was
 * not, as NOT_FOUND — the keys that could be ids, and only a count of the others (a caller, even without a token,
 * must not be able to write what it likes into the audit log).
 */
async function audit(context: RequestContext, kind: EntityKind, typename: string, entities: Map<string, object | undefined>): Promise<void> {
  const shown = new Map<string, object>();
  const missing: string[] = [];
  for (const [key, entity] of entities) {
    if (entity === undefined) missing.push(key);
    else shown.set(keyOf(kind, entity), entity);
  }
  const wellFormed = missing.filter(kind.wellFormed).map((key) => normalise(kind.key, key));
  const owners = [...shown.values()].map((entity) => kind.owners(context, entity));
  const settled = owners.some((list) => !Array.isArray(list)) ? await Promise.all(owners) : (owners as ReadonlyArray<readonly string[]>);
  const resources = [...shown.keys()].map((id, index) => ({ id, owners: settled[index]! }));
  if (resources.length > 0) context.audit.recordPublicRead({ operation: '_entities', resourceType: typename, resources });
  if (missing.length > 0) {
    context.audit.recordPublicRead({
      operation: '_entities',
      resourceType: typename,
      resources: [...new Set(wellFormed)].map((key) => ({ id: key, owners: [] })),
      outcome: 'NOT_FOUND',
      ...(missing.length > wellFormed.length ? { details: { malformedKeys: missing.length - wellFormed.length } } : {}),
    });
  }
}

function keyOf(kind: EntityKind, entity: object): string {
  return String((entity as Record<string, unknown>)[kind.key]);
}
