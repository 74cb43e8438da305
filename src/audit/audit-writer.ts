import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuditContent } from './canonical.js';
import { insertAuditRows } from './audit-store.js';

const MAX_BATCH = 1_000;

interface Pending {
  rows: readonly AuditContent[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Writes the audit events of read requests. Requests that arrive while a write is in flight are gathered into
 * the next single INSERT, so the cost per request stays small under load; each request still waits until its
 * events are committed before its answer leaves (an answer is never sent unaudited).
 */
export class AuditWriter {
  private queue: Pending[] = [];
  private running: Promise<void> | undefined;

  constructor(private readonly forkEm: () => EntityManager) {}

  append(rows: readonly AuditContent[]): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ rows, resolve, reject });
      this.running ??= this.drain().finally(() => {
        this.running = undefined;
      });
    });
  }

  /** Waits for everything appended so far to be written. */
  async close(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch: Pending[] = [];
      let size = 0;
      while (this.queue.length > 0 && (batch.length === 0 || size + this.queue[0]!.rows.length <= MAX_BATCH)) {
        const next = this.queue.shift()!;
        batch.push(next);
        size += next.rows.length;
      }
      try {
        await insertAuditRows(this.forkEm(), batch.flatMap((pending) => pending.rows));
        for (const pending of batch) pending.resolve();
      } catch (error) {
        for (const pending of batch) pending.reject(error);
      }
    }
  }
}
