import { SchemaDefinitionEntity } from './platform/database/definitions.js';
import { AuditChainHeadEntity, AuditEventEntity, AuditResolver } from './audit/index.js';
import {
  EnforcementActionEntity,
  EnforcementActionSignalEntity,
  EnforcementActionStatusEntity,
  EnforcementActionVisitEntity,
  EnforcementResolver,
  EnforcementStatusChangeResolver,
  ProviderEnforcementResolver,
  SupervisoryLoadEnforcementResolver,
} from './enforcement/index.js';
import { FederationResolver } from './federation/index.js';
import { EventEntity, NotificationResolver, WebhookAttemptEntity, WebhookDeliveryEntity, WebhookDeliveryResolver, WebhookSubscriptionEntity } from './notifications/index.js';
import { OrganisationEntity, OrganisationResolver, ViewerResolver } from './organisations/index.js';
import { LocationEntity, ProviderEntity, ProviderResolver } from './providers/index.js';
import {
  RoutingDecisionEntity,
  RoutingDecisionResolver,
  SignalEntity,
  SignalResolver,
  SignalRoutingEntity,
  SignalRoutingResolver,
  SubmitSignalResultResolver,
} from './signals/index.js';
import {
  CoordinationProposalEntity,
  CoordinationResolver,
  OrganisationLoadResolver,
  VisitConflictEntity,
  VisitConflictResolver,
  VisitEntity,
  VisitHistoryEntity,
  VisitHistoryResolver,
  VisitPlanningCounterEntity,
  VisitProviderEntity,
  VisitResolver,
} from './visits/index.js';

/** The features the service is made of: their tables and their GraphQL resolvers. */
export const ENTITIES = [
  SchemaDefinitionEntity,
  OrganisationEntity,
  ProviderEntity,
  LocationEntity,
  AuditEventEntity,
  AuditChainHeadEntity,
  VisitEntity,
  VisitProviderEntity,
  VisitConflictEntity,
  VisitHistoryEntity,
  VisitPlanningCounterEntity,
  CoordinationProposalEntity,
  SignalEntity,
  SignalRoutingEntity,
  RoutingDecisionEntity,
  EnforcementActionEntity,
  EnforcementActionSignalEntity,
  EnforcementActionVisitEntity,
  EnforcementActionStatusEntity,
  EventEntity,
  WebhookSubscriptionEntity,
  WebhookDeliveryEntity,
  WebhookAttemptEntity,
];

export const RESOLVERS = [
  ViewerResolver,
  OrganisationResolver,
  ProviderResolver,
  VisitResolver,
  VisitConflictResolver,
  VisitHistoryResolver,
  OrganisationLoadResolver,
  CoordinationResolver,
  SignalResolver,
  SignalRoutingResolver,
  RoutingDecisionResolver,
  SubmitSignalResultResolver,
  EnforcementResolver,
  EnforcementStatusChangeResolver,
  ProviderEnforcementResolver,
  SupervisoryLoadEnforcementResolver,
  AuditResolver,
  NotificationResolver,
  WebhookDeliveryResolver,
  FederationResolver,
] as const;
