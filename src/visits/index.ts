export { VisitEntity, VisitProviderEntity } from './visit.entity.js';
export { VisitConflictEntity } from './visit-conflict.entity.js';
export { VisitHistoryEntity } from './visit-history.entity.js';
export { CoordinationProposalEntity } from './coordination-proposal.entity.js';
export { VisitResolver, VisitConflictResolver, VisitHistoryResolver, OrganisationLoadResolver } from './visit.resolver.js';
export { CoordinationResolver } from './coordination.resolver.js';
export { planVisit } from './visit-planning.service.js';
export { VisitKind, VisitStatus } from './visit.enums.js';
