import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '../access/viewer.js';
import type { AuditContent } from './canonical.js';
import { insertAuditRows } from './audit-store.js';
import type { AuditWriter } from './audit-writer.js';

export type AuditOutcome =
  | 'SUCCESS'
  | 'NOT_FOUND'
  | 'FORBIDDEN'
  | 'UNAUTHENTICATED'
  | 'BAD_USER_INPUT'
  | 'CONFLICT'
  | 'SAMENLOOP_CONFLICT'
  | 'ERROR';

/** One record an event touched, and the organisations whose data it is (their auditors see the event). */
export interface AuditResource {
  id: string;
  owners: readonly string[];
}

export interface AuditEntry {
  operation: string;
  resourceType: string;
  /**
   * The records touched. The actor's own auditors see all of them; another organisation's auditors see the event
   * with only the records their organisation owns.
   */
  resources: readonly AuditResource[];
  outcome?: AuditOutcome;
  /** Why, and with what effect — never personal data, never the exact window of an unannounced visit. */
  details?: Record<string, unknown>;
}

export const REJECTED_TOKEN_ACTOR = '(rejected token)';
/** The actor of a read without a token (published data only). */
export const ANONYMOUS_ACTOR = '(anonymous)';
/** The actor organisation of a security event whose organisation is not known. */
export const UNKNOWN_ORGANISATION = '-';

/** Ids, the union of owners, and — only when they differ per record — which owner owns which ids. */
function ownership(resources: readonly AuditResource[]): Pick<AuditContent, 'resourceIds' | 'ownerOrganisations' | 'resourceOwners'> {
  const ids = [...new Set(resources.map((resource) => resource.id))];
  const byOwner = new Map<string, Set<string>>();
  for (const { id, owners } of resources) {
    for (const owner of owners) {
      if (!byOwner.has(owner)) byOwner.set(owner, new Set());
      byOwner.get(owner)!.add(id);
    }
  }
  const owners = [...byOwner.keys()].sort();
  const everyOwnerOwnsAll = owners.every((owner) => byOwner.get(owner)!.size === ids.length);
  return {
    resourceIds: ids,
    ownerOrganisations: owners,
    resourceOwners: everyOwnerOwnsAll ? null : Object.fromEntries(owners.map((owner) => [owner, [...byOwner.get(owner)!]])),
  };
}

/**
 * The audit events of one request. Reads are written through the shared writer before the answer is sent;
 * writes are written inside their own transaction with `writeWithin`, so data and audit commit together.
 */
export class AuditTrail {
  private pending: AuditContent[] = [];
  /** Reads recorded one record at a time (nested fields), gathered into one event per operation. */
  private readonly gathered = new Map<string, { content: AuditContent; resources: AuditResource[] }>();

  constructor(
    private readonly viewer: Viewer | undefined,
    private readonly requestId: string | null,
    private readonly writer: AuditWriter,
    private readonly now: () => Date,
  ) {}

  record(entry: AuditEntry): void {
    const content = this.viewersEvent(entry);
    if (content) this.pending.push(content);
  }

  /**
   * The event of showing records that only a statement will find, for that statement to complete and write
   * itself (statementReadEventSql): everything but its records. None without a viewer, as with `record`.
   */
  readByStatement(operation: string, resourceType: string): AuditContent | undefined {
    return this.viewersEvent({ operation, resourceType, resources: [] });
  }

  private viewersEvent(entry: AuditEntry): AuditContent | undefined {
    if (!this.viewer) return undefined; // anonymous requests read published data only, recorded with recordPublicRead
    return {
      occurredAt: this.now(),
      requestId: this.requestId,
      actorSub: this.viewer.sub,
      actorOrganisation: this.viewer.organisation,
      actorRoles: [...this.viewer.roles].sort(),
      operation: entry.operation,
      resourceType: entry.resourceType,
      ...ownership(entry.resources),
      outcome: entry.outcome ?? 'SUCCESS',
      details: entry.details ?? null,
    };
  }

  /**
   * A read of published data, which needs no token: recorded as the viewer's when there is one, otherwise as an
   * anonymous read (who read the public record is also worth knowing).
   */
  recordPublicRead(entry: AuditEntry): void {
    if (this.viewer) {
      this.record(entry);
      return;
    }
    this.pending.push({
      occurredAt: this.now(),
      requestId: this.requestId,
      actorSub: ANONYMOUS_ACTOR,
      actorOrganisation: UNKNOWN_ORGANISATION,
      actorRoles: [],
      operation: entry.operation,
      resourceType: entry.resourceType,
      ...ownership(entry.resources),
      outcome: entry.outcome ?? 'SUCCESS',
      details: entry.details ?? null,
    });
  }

  /**
   * A read of records through a nested field (one call per parent): all calls of one request for the same
   * operation become one event, so a page of a thousand items gives one audit row, not a thousand.
   */
  recordRead(operation: string, resourceType: string, resources: readonly AuditResource[]): void {
    if (!this.viewer || resources.length === 0) return;
    const key = `${operation}|${resourceType}`;
    const earlier = this.gathered.get(key);
    if (earlier && this.pending.includes(earlier.content)) {
      earlier.resources.push(...resources);
      Object.assign(earlier.content, ownership(earlier.resources));
      return;
    }
    this.record({ operation, resourceType, resources });
    this.gathered.set(key, { content: this.pending.at(-1)!, resources: [...resources] });
  }

  /**
   * A refused access token: a security event without a viewer. It names no token and no claim beyond the
   * organisation it claimed, and only when the signature held (otherwise anyone could write into anyone's log).
   */
  recordRejectedToken(rejection: { reason: string; organisation: string | undefined; issuer: string | undefined }): void {
    this.pending.push({
      occurredAt: this.now(),
      requestId: this.requestId,
      actorSub: REJECTED_TOKEN_ACTOR,
      actorOrganisation: rejection.organisation ?? UNKNOWN_ORGANISATION,
      actorRoles: [],
      operation: 'authenticate',
      resourceType: 'AccessToken',
      resourceIds: [],
      ownerOrganisations: [],
      resourceOwners: null,
      outcome: 'UNAUTHENTICATED',
      details: { reason: rejection.reason, ...(rejection.issuer ? { issuer: rejection.issuer } : {}) },
    });
  }

  /** Writes the events recorded since `mark` in the caller's transaction, so that they commit with the data. */
  async writeWithin(em: EntityManager, mark: number): Promise<void> {
    const rows = this.pending.splice(mark);
    await insertAuditRows(em, rows);
  }

  /**
   * Hands over the events recorded since `mark`, for a caller that writes them in its own statement (so that
   * they commit with the data); they are no longer pending.
   */
  takeFrom(mark: number): AuditContent[] {
    return this.pending.splice(mark);
  }

  /** Writes whatever is left; called once per request before the answer is sent. */
  flush(): Promise<void> {
    return this.writer.append(this.take());
  }

  /** A mark to return to with `rollbackTo` when the work recorded after it did not happen. */
  checkpoint(): number {
    return this.pending.length;
  }

  rollbackTo(mark: number): void {
    this.pending.length = Math.min(mark, this.pending.length);
  }

  private take(): AuditContent[] {
    const rows = this.pending;
    this.pending = [];
    return rows;
  }
}
