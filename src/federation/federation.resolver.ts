import type { GraphQLResolveInfo, GraphQLSchema } from 'graphql';
import { Arg, createUnionType, Ctx, Field, Info, ObjectType, Query, Resolver } from 'type-graphql';
import { Public } from '../access/operation-access.js';
import { BadUserInputError, InputProblems } from '../platform/errors.js';
import { ListSize } from '../platform/graphql/cost-limit.js';
import { AnyScalar, printSubgraphSdl } from '../platform/graphql/federation.js';
import type { RequestContext } from '../request-context.js';
import { ENTITY_KINDS, entityKind, loaderFor, type EntityKind } from './entities.js';

/** At most this many representations per `_entities` call (a gateway batches far fewer). */
export const MAX_REPRESENTATIONS = 1000;

const ENTITY_TYPE = Symbol('federation entity type');
const printed = new WeakMap<GraphQLSchema, string>();

export const EntityUnion = createUnionType({
  name: '_Entity',
  types: () => Object.values(ENTITY_KINDS).map((kind) => kind.type) as never,
  resolveType: (value) => (value as { [ENTITY_TYPE]?: string })[ENTITY_TYPE],
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
    const byType = new Map<string, string[]>();
    keys.forEach(({ typename, key }) => byType.set(typename, [...(byType.get(typename) ?? []), key]));
    const resolved = new Map<string, Map<string, object | undefined>>();
    await Promise.all(
      [...byType.entries()].map(async ([typename, values]) => {
        const kind = entityKind(typename)!;
        const loader = loaderFor(context, kind);
        const wanted = [...new Set(values)];
        const found = loader ? await loader.loadMany(wanted.filter(kind.wellFormed).map((value) => normalise(kind.key, value))) : [];
        const entities = new Map<string, object | undefined>();
        let index = 0;
        for (const value of wanted) {
          const entity = kind.wellFormed(value) && loader ? found[index++] : undefined;
          if (entity instanceof Error) throw entity;
          entities.set(value, entity);
        }
        resolved.set(typename, entities);
        await audit(context, typename, entities);
      }),
    );
    return keys.map(({ typename, key }) => {
      const entity = resolved.get(typename)!.get(key);
      return entity ? { ...entity, [ENTITY_TYPE]: typename } : null;
    });
  }
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
async function audit(context: RequestContext, typename: string, entities: Map<string, object | undefined>): Promise<void> {
  const kind = entityKind(typename)!;
  const shown = [...new Map([...entities.values()].filter((entity): entity is object => entity !== undefined).map((entity) => [keyOf(kind, entity), entity])).entries()];
  const missing = [...entities.entries()].filter(([, entity]) => entity === undefined).map(([key]) => key);
  const wellFormed = missing.filter(kind.wellFormed).map((key) => normalise(kind.key, key));
  const resources = await Promise.all(shown.map(async ([key, entity]) => ({ id: key, owners: await kind.owners(context, entity) })));
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
