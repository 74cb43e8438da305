import { AuditChainHeadEntity, AuditEventEntity, AuditResolver } from './audit/index.js';
import { OrganisationEntity, OrganisationResolver, ViewerResolver } from './organisations/index.js';
import { LocationEntity, ProviderEntity, ProviderResolver } from './providers/index.js';

/** The features the service is made of: their tables and their GraphQL resolvers. */
export const ENTITIES = [OrganisationEntity, ProviderEntity, LocationEntity, AuditEventEntity, AuditChainHeadEntity];

export const RESOLVERS = [ViewerResolver, OrganisationResolver, ProviderResolver, AuditResolver] as const;
