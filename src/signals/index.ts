export { SignalEntity, SignalProviderEntity, SignalRoutingEntity, RoutingDecisionEntity, OutboxEventEntity } from './signal.entity.js';
export { SignalResolver, SignalRoutingResolver, RoutingDecisionResolver, SubmitSignalResultResolver } from './signal.resolver.js';
export { renderRoutingDoc } from './routing-doc.js';
