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

export interface AuditEntry {
  operation: string;
  resourceType: string;
  resourceIds: readonly string[];
  /** Organisations whose data this is; their auditors see the event (the actor's own organisation always does). */
  ownerOrganisations?: readonly string[];
  outcome?: AuditOutcome;
  /** Why, and with what effect — never personal data, never the exact window of an unannounced visit. */
  details?: Record<string, unknown>;
}

/**
 * The audit events of one request. Reads are written through the shared writer before the answer is sent;
 * writes are written inside their own transaction with `writeWithin`, so data and audit commit together.
 */
export class AuditTrail {
  private pending: AuditContent[] = [];

  constructor(
    private readonly viewer: Viewer | undefined,
    private readonly requestId: string | null,
    private readonly writer: AuditWriter,
    private readonly now: () => Date,
  ) {}

  record(entry: AuditEntry): void {
    if (!this.viewer) return; // anonymous requests only read published data, which is not protected
    this.pending.push({
      occurredAt: this.now(),
      requestId: this.requestId,
      actorSub: this.viewer.sub,
      actorOrganisation: this.viewer.organisation,
      actorRoles: [...this.viewer.roles].sort(),
      operation: entry.operation,
      resourceType: entry.resourceType,
      resourceIds: [...entry.resourceIds],
      ownerOrganisations: [...new Set(entry.ownerOrganisations ?? [])].sort(),
      outcome: entry.outcome ?? 'SUCCESS',
      details: entry.details ?? null,
    });
  }

  /** Writes the events recorded since `mark` in the caller's transaction, so that they commit with the data. */
  async writeWithin(em: EntityManager, mark: number): Promise<void> {
    const rows = this.pending.splice(mark);
    await insertAuditRows(em, rows);
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
