export { SignalEntity, SignalProviderEntity, SignalRoutingEntity, RoutingDecisionEntity, OutboxEventEntity } from './signal.entity.js';
export { SignalResolver, SignalRoutingResolver, RoutingDecisionResolver, SubmitSignalResultResolver } from './signal.resolver.js';
export { renderRoutingDoc } from './routing-doc.js';
export { Signal } from './signal.types.js';
export { signalById } from './signal.loaders.js';
export { signalOwners } from './signal-read.service.js';
export { lockRoutings, prosecutionRoutingsOf, prosecutionStateOf, reportToProsecution, PROSECUTOR_ORGANISATION, type ProsecutionReport, type ProsecutionState } from './prosecution.js';
export { RoutingStatus } from './signal.enums.js';
export type { RoutingRow, SignalRow } from './signal.queries.js';
