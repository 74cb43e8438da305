export enum SignalCategory {
  CALAMITEIT = 'CALAMITEIT',
  GEWELD = 'GEWELD',
  SEKSUEEL_GRENSOVERSCHRIJDEND_GEDRAG = 'SEKSUEEL_GRENSOVERSCHRIJDEND_GEDRAG',
  NIET_NATUURLIJK_OVERLIJDEN = 'NIET_NATUURLIJK_OVERLIJDEN',
  ZORGFRAUDE = 'ZORGFRAUDE',
  ILLEGALE_GENEESMIDDELEN = 'ILLEGALE_GENEESMIDDELEN',
  ONBEVOEGD_HANDELEN = 'ONBEVOEGD_HANDELEN',
  DISFUNCTIONEREN_ZORGVERLENER = 'DISFUNCTIONEREN_ZORGVERLENER',
  KLACHT = 'KLACHT',
  OVERIG = 'OVERIG',
}

export enum Severity {
  LOW = 'LOW',
  MEDIUM = 'MEDIUM',
  HIGH = 'HIGH',
  CRITICAL = 'CRITICAL',
}

export enum RoutingOutcome {
  /** Take it up; for the OM: start a criminal investigation. */
  ACCEPT = 'ACCEPT',
  /** Not taken up; a note is required. */
  DECLINE = 'DECLINE',
  /** Parallel, coordinated tracks (samenloop). */
  JOINT = 'JOINT',
}

export enum RoutingStatus {
  PENDING = 'PENDING',
  ACCEPTED = 'ACCEPTED',
  DECLINED = 'DECLINED',
  JOINT = 'JOINT',
  /** The due date passed without a decision. */
  EXPIRED = 'EXPIRED',
}

/** Derived from a signal's routings. */
export enum SignalStatus {
  /** No rule routed it anywhere. */
  UNROUTED = 'UNROUTED',
  /** Some routings wait for a decision, none overdue. */
  OPEN = 'OPEN',
  /** A routing's due date passed without a decision. */
  OVERDUE = 'OVERDUE',
  /** Every routing was decided. */
  DECIDED = 'DECIDED',
}

export enum SubmitOutcome {
  CREATED = 'CREATED',
  DUPLICATE = 'DUPLICATE',
  ERROR = 'ERROR',
}
