export enum VisitKind {
  RISK_BASED = 'RISK_BASED',
  THEMATIC = 'THEMATIC',
  INCIDENT = 'INCIDENT',
  NEW_PROVIDER = 'NEW_PROVIDER',
  FOLLOW_UP = 'FOLLOW_UP',
  NETWORK = 'NETWORK',
}

/** CONFIRMED is reserved for an announced visit agreed with the provider; no operation sets it yet. */
export enum VisitStatus {
  PLANNED = 'PLANNED',
  CONFIRMED = 'CONFIRMED',
  COMPLETED = 'COMPLETED',
  CANCELLED = 'CANCELLED',
}

export enum ConflictScope {
  SAME_ORGANISATION = 'SAME_ORGANISATION',
  CROSS_ORGANISATION = 'CROSS_ORGANISATION',
}

/** How an open conflict ended. */
export enum ConflictResolution {
  /** The visits became one joint visit. */
  MERGED = 'MERGED',
  /** A lead organisation keeps both visits, with a justification. */
  ACKNOWLEDGED = 'ACKNOWLEDGED',
  /** A visit was rescheduled out of the margin. */
  MOVED = 'MOVED',
  /** A visit was cancelled. */
  CANCELLED = 'CANCELLED',
}

export enum WindowPrecision {
  EXACT = 'EXACT',
  /** An unannounced visit seen by an organisation that is not lead, participant or shared with: the ISO week only. */
  WEEK = 'WEEK',
}

export enum ProposalStatus {
  PROPOSED = 'PROPOSED',
  ACCEPTED = 'ACCEPTED',
  DECLINED = 'DECLINED',
  /** The lead visit or the proposed visit was cancelled or completed before an answer came. */
  WITHDRAWN = 'WITHDRAWN',
}

export enum VisitAction {
  PLANNED = 'PLANNED',
  RESCHEDULED = 'RESCHEDULED',
  CANCELLED = 'CANCELLED',
  COMPLETED = 'COMPLETED',
  MERGED_INTO = 'MERGED_INTO',
  ABSORBED = 'ABSORBED',
  JOINED = 'JOINED',
  CONFLICT_ACKNOWLEDGED = 'CONFLICT_ACKNOWLEDGED',
  MERGE_PROPOSED = 'MERGE_PROPOSED',
  MERGE_DECLINED = 'MERGE_DECLINED',
}

export enum ProposalDirection {
  INCOMING = 'INCOMING',
  OUTGOING = 'OUTGOING',
}
