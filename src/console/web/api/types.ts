/** The shapes the console reads from the GraphQL API (the fields of operations.ts, by hand: small and stable). */

export interface OrganisationRef {
  code: string;
  name?: string;
  kind?: string;
}

export interface Viewer {
  sub: string;
  roles: string[];
  organisation: Required<OrganisationRef>;
}

export interface Location {
  id: string;
  name: string;
  city: string | null;
  postcode: string;
  municipalityCode: string | null;
  country: string;
}

export interface Provider {
  id: string;
  name: string;
  kvkNumber: string | null;
  kboNumber: string | null;
  agbCode: string | null;
  sectors: string[];
  locations: Location[];
}

export interface TimeWindow {
  start: string;
  end: string;
  precision: 'EXACT' | 'WEEK';
}

export interface ConflictSummary {
  scope: 'SAME_ORGANISATION' | 'CROSS_ORGANISATION';
  gapDays: number;
  resolution?: string | null;
  justification?: string | null;
  visit: VisitSummary;
}

export interface VisitSummary {
  id: string;
  announced: boolean;
  kind: string;
  status: string;
  organisation: OrganisationRef;
  window: TimeWindow;
  providers?: Array<{ id?: string; name: string }>;
  location?: { id?: string; name: string } | null;
}

export interface Visit extends VisitSummary {
  themes: string[];
  detail: boolean;
  participants: OrganisationRef[];
  providers: Array<{ id: string; name: string }>;
  mergedInto: { id: string } | null;
  conflicts: ConflictSummary[];
}

export interface EnforcementAction {
  id: string;
  type: string;
  status: string;
  legalBasis: string;
  imposedOn: string;
  validUntil: string | null;
  deadline: string | null;
  published: boolean;
  organisation: OrganisationRef;
}

export interface SupervisoryLoad {
  days: number;
  visitCount: number;
  organisationCount: number;
  enforcementCount: number;
  byOrganisation: Array<{ organisation: OrganisationRef; visitCount: number; enforcementCount: number }>;
}

export interface Proposal {
  id: string;
  status: 'PROPOSED' | 'ACCEPTED' | 'DECLINED' | 'WITHDRAWN';
  note: string | null;
  createdAt: string;
  responseNote: string | null;
  from: OrganisationRef;
  to: OrganisationRef;
  leadVisit: Pick<VisitSummary, 'id' | 'kind' | 'window' | 'providers'> | null;
  visit: Pick<VisitSummary, 'id' | 'kind' | 'window' | 'providers'> | null;
}

export interface Routing {
  id: string;
  status: 'PENDING' | 'ACCEPTED' | 'DECLINED' | 'JOINT' | 'EXPIRED';
  dueAt: string;
  ruleId: string;
  recipient: OrganisationRef;
  decision: { outcome: string; note: string | null; decidedAt: string } | null;
}

export interface Signal {
  id: string;
  externalId: string;
  category: string;
  severity: string;
  possibleCriminalOffence: boolean;
  summary: string;
  occurredAt: string;
  receivedAt: string;
  status: string;
  source: OrganisationRef;
  providers: Array<{ id: string; name: string }>;
  routings: Routing[];
}

export type Connection<Node> = { totalCount?: number; edges: Array<{ node: Node }> };

export const nodes = <Node,>(connection: Connection<Node> | null | undefined): Node[] => connection?.edges.map((edge) => edge.node) ?? [];
