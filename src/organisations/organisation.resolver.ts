import { Ctx, Query, Resolver } from 'type-graphql';
import { Requires } from '../access/operation-access.js';
import { MAX_ORGANISATIONS } from '../access/organisations.js';
import { ListSize } from '../platform/graphql/cost-limit.js';
import type { RequestContext } from '../request-context.js';
import { listOrganisations } from './organisation.service.js';
import { Organisation } from './organisation.types.js';

@Resolver(() => Organisation)
export class OrganisationResolver {
  @Query(() => [Organisation], { description: `The organisations taking part (reference data; at most ${MAX_ORGANISATIONS}).` })
  @Requires('organisation.list')
  @ListSize({ max: MAX_ORGANISATIONS })
  organisations(@Ctx() context: RequestContext): Promise<Organisation[]> {
    return listOrganisations(context.em);
  }
}
