export { OrganisationEntity } from './organisation.entity.js';
export { Organisation } from './organisation.types.js';
export { OrganisationResolver } from './organisation.resolver.js';
export { organisationLoader, ensureOrganisationRow } from './organisation.service.js';
export { ViewerResolver } from './viewer.resolver.js';
