import { Ctx, Query, Resolver } from 'type-graphql';
import { Requires } from '../access/operation-access.js';
import type { RequestContext } from '../request-context.js';
import { listOrganisations } from './organisation.service.js';
import { Organisation } from './organisation.types.js';

@Resolver(() => Organisation)
export class OrganisationResolver {
  @Query(() => [Organisation], { description: 'The organisations taking part (reference data).' })
  @Requires('organisation.list')
  organisations(@Ctx() context: RequestContext): Promise<Organisation[]> {
    return listOrganisations(context.em);
  }
}
