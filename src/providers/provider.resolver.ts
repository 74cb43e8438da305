import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Requires } from '../access/operation-access.js';
import { pageSize, type Page } from '../platform/graphql/connection.js';
import type { RequestContext } from '../request-context.js';
import { locationsOfProvider, type ProviderRow } from './provider.loaders.js';
import { registerProvider } from './provider-registration.service.js';
import { getProvider, listProviders } from './provider.service.js';
import {
  Location,
  Provider,
  ProviderConnection,
  ProviderFilter,
  RegisterProviderInput,
  RegisterProviderPayload,
} from './provider.types.js';

/** How many locations one provider lists at most (a provider may register many more). */
const MAX_LOCATIONS_SHOWN = 500;

@Resolver(() => Provider)
export class ProviderResolver {
  @Query(() => Provider, { nullable: true, description: 'A provider within your reach; NOT_FOUND otherwise.' })
  @Requires('provider.read')
  provider(@Arg('id', () => ID) id: string, @Ctx() context: RequestContext): Promise<ProviderRow> {
    return getProvider(context, id);
  }

  @Query(() => ProviderConnection, { description: 'Providers within your reach, ordered by name.' })
  @Requires('provider.read')
  providers(
    @Ctx() context: RequestContext,
    @Arg('filter', () => ProviderFilter, { nullable: true }) filter?: ProviderFilter,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ): Promise<Page<ProviderRow>> {
    return listProviders(context, filter, first, after);
  }

  @Mutation(() => RegisterProviderPayload, {
    description: 'Registers a provider; idempotent on KvK / KBO number (an existing provider gains the new locations).',
  })
  @Requires('provider.register')
  registerProvider(
    @Arg('input', () => RegisterProviderInput) input: RegisterProviderInput,
    @Ctx() context: RequestContext,
  ): Promise<RegisterProviderPayload> {
    return registerProvider(context, input);
  }

  @FieldResolver(() => [Location])
  locations(
    @Root() provider: ProviderRow,
    @Ctx() context: RequestContext,
    @Arg('first', () => Int, { defaultValue: 50, description: `The first this many, oldest first; at most ${MAX_LOCATIONS_SHOWN}.` }) first: number,
  ): Promise<Location[]> {
    if (provider.publicOnly) return Promise.resolve([]);
    return locationsOfProvider(context).load({ id: provider.id, limit: pageSize(first, MAX_LOCATIONS_SHOWN) });
  }
}
