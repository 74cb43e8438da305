export {
  EnforcementActionEntity,
  EnforcementActionSignalEntity,
  EnforcementActionStatusEntity,
  EnforcementActionVisitEntity,
} from './enforcement.entity.js';
export { EnforcementResolver, EnforcementStatusChangeResolver, ProviderEnforcementResolver } from './enforcement.resolver.js';
export { SupervisoryLoadEnforcementResolver } from './supervisory-load.resolver.js';
export { EnforcementStatus, EnforcementType } from './enforcement.enums.js';
export { ENFORCEMENT_TYPES } from './enforcement-types.js';
export { recordEnforcementAction } from './enforcement-recording.service.js';
export { renderEnforcementDoc } from './enforcement-doc.js';
export { actionById } from './enforcement.loaders.js';
export { EnforcementAction } from './enforcement.types.js';
export type { EnforcementRow } from './enforcement.queries.js';
