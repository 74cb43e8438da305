export { ProviderEntity } from './provider.entity.js';
export { LocationEntity } from './location.entity.js';
export { ProviderResolver } from './provider.resolver.js';
export { Provider, Location } from './provider.types.js';
export { Sector, Country } from './sector.js';
export type { ProviderRow } from './provider.loaders.js';
export { PROVIDER_COLUMNS } from './provider.loaders.js';
export { findVisibleProvider } from './provider.service.js';
