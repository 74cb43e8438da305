import { Ctx, Query, Resolver } from 'type-graphql';
import { RequiresAuthentication } from '../access/operation-access.js';
import { requireViewer, type RequestContext } from '../request-context.js';
import { organisationLoader } from './organisation.service.js';
import { ViewerType } from './viewer.types.js';

@Resolver(() => ViewerType)
export class ViewerResolver {
  @Query(() => ViewerType, { description: 'Who is calling: organisation and roles from the access token.' })
  @RequiresAuthentication()
  async me(@Ctx() context: RequestContext): Promise<ViewerType> {
    const viewer = requireViewer(context);
    const organisation = await organisationLoader(context).load(viewer.organisation);
    return { sub: viewer.sub, organisation: organisation!, roles: [...viewer.roles].sort() };
  }
}
