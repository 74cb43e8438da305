import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../logging.js';
import type { Orm } from './orm.js';
import { withTimeout } from '../time.js';
import { run, sqlf } from './sql.js';

/** How often the replica is asked whether it answers, and how long it may take. */
export const REPLICA_PROBE = { intervalMs: 1_000, timeoutMs: 1_000 };

/**
 * The read replica (DATABASE_READ_URL) and whether it answers. Reads that may lag go to it only while it does;
 * when it stops answering they go to the primary again within about a second, so a lost replica costs capacity,
 * not availability — and never takes the process out of its load balancer (/readyz asks the primary only).
 */
export class ReadReplica {
  private answering = true;
  private readonly timer: NodeJS.Timeout;
  private probing: Promise<void> | undefined;

  constructor(
    readonly orm: Orm,
    private readonly logger: Logger,
  ) {
    this.timer = setInterval(() => void (this.probing ??= this.probe().finally(() => (this.probing = undefined))), REPLICA_PROBE.intervalMs);
    this.timer.unref();
  }

  /** A fork for one request's reads, or undefined while the replica does not answer. */
  fork(): EntityManager | undefined {
    return this.answering ? this.orm.em.fork() : undefined;
  }

  private async probe(): Promise<void> {
    let answered: boolean;
    try {
      await withTimeout(run(this.orm.em.fork(), sqlf`select 1`), REPLICA_PROBE.timeoutMs);
      answered = true;
    } catch {
      answered = false;
    }
    if (answered !== this.answering) {
      if (answered) this.logger.info('the read replica answers again: lists read from it');
      else this.logger.warn('the read replica (DATABASE_READ_URL) does not answer: lists read from the primary until it does');
    }
    this.answering = answered;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.probing;
    await this.orm.close();
  }
}
