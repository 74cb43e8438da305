export { FederationResolver } from './federation.resolver.js';
export { ENTITY_KINDS } from './entities.js';
