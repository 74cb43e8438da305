/** What an organisation is told about (api-contract.md, "Notifications"); who receives each is in docs/notifications.md. */
export enum EventType {
  SIGNAL_ROUTED = 'SIGNAL_ROUTED',
  ROUTING_DECIDED = 'ROUTING_DECIDED',
  ROUTING_OVERDUE = 'ROUTING_OVERDUE',
  VISIT_CONFLICT_DETECTED = 'VISIT_CONFLICT_DETECTED',
  COORDINATION_PROPOSED = 'COORDINATION_PROPOSED',
  COORDINATION_ANSWERED = 'COORDINATION_ANSWERED',
  ENFORCEMENT_RECORDED = 'ENFORCEMENT_RECORDED',
  ENFORCEMENT_PUBLISHED = 'ENFORCEMENT_PUBLISHED',
  ENFORCEMENT_STATUS_CHANGED = 'ENFORCEMENT_STATUS_CHANGED',
  PROVIDER_LOCATION_ADDED = 'PROVIDER_LOCATION_ADDED',
}

/** The kind of record an event is about; the receiver reads it through the API with its own token. */
export enum EventResourceType {
  Signal = 'Signal',
  Visit = 'Visit',
  CoordinationProposal = 'CoordinationProposal',
  EnforcementAction = 'EnforcementAction',
  Provider = 'Provider',
}

export enum DeliveryStatus {
  /** Waiting for its first attempt. */
  PENDING = 'PENDING',
  DELIVERED = 'DELIVERED',
  /** The last attempt failed; another follows at nextAttemptAt. */
  FAILED = 'FAILED',
  /** Every attempt failed for 24 hours; nothing more is tried unless it is redelivered. */
  DEAD = 'DEAD',
}
