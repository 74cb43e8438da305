import type { Clock } from './access/authenticate.js';
import type { Orm } from './platform/database/orm.js';
import { runOne, sqlf } from './platform/database/sql.js';
import type { Logger } from './platform/logging.js';
import type { Metrics } from './platform/metrics.js';
import { DeliveryWorker } from './notifications/index.js';
import type { DomainSettings } from './request-context.js';
import { announceOverdueRoutings, publishRoutedSignals } from './signals/index.js';

/* The work one server instance does beside answering requests: relaying SIGNAL_ROUTED from the routings and delivering
 * webhooks, and sweeping for overdue routings. */

/** How often routings that passed their due date undecided are looked for (ROUTING_OVERDUE). */
export const OVERDUE_SWEEP_INTERVAL_MS = 60_000;

/** The webhook delivery worker with the routings' relay (not started yet), with its queue's depth and age in the metrics. */
export function createDeliveries(
  { orm, clock, settings, metrics, logger, pollMs }: { orm: Orm; clock: Clock; settings: DomainSettings; metrics: Metrics; logger: Logger; pollMs: number },
): DeliveryWorker {
  const deliveries = new DeliveryWorker({
    forkEm: () => orm.em.fork(),
    clock,
    secrets: settings.webhookSecrets,
    targets: settings.webhookTargets,
    eventSource: settings.eventSource,
    logger,
    pollMs,
    // A routing is its own outbox row; its SIGNAL_ROUTED event is written here, after the submission committed.
    relays: [() => publishRoutedSignals(() => orm.em.fork(), clock())],
    onOutcome: (outcome) => metrics.webhookDeliveries.inc({ outcome }),
  });
  metrics.watchDeliveryQueue(async () => {
    const row = await runOne<{ depth: number; oldest: number | null }>(
      orm.em.fork(),
      sqlf`select count(*)::int as depth, extract(epoch from (${clock()} - min(e.occurred_at)))::float8 as oldest
       from webhook_delivery d join event e on e.seq = d.event_seq where d.status in ('PENDING', 'FAILED')`,
    );
    return { depth: row?.depth ?? 0, oldestSeconds: Math.max(0, row?.oldest ?? 0) };
  });
  return deliveries;
}

/** Announces overdue routings every minute; one sweep at a time, and a sweep under way finishes before stop() returns. */
export function startOverdueSweep(orm: Orm, clock: Clock, logger: Logger): { announce(): Promise<number>; stop(): Promise<void> } {
  let sweeping: Promise<number> | undefined;
  const announce = () => (sweeping ??= announceOverdueRoutings(() => orm.em.fork(), clock()).finally(() => (sweeping = undefined)));
  const overdueSweep = setInterval(() => {
    announce().catch((error: unknown) => logger.error({ err: error }, 'overdue routings could not be announced'));
  }, OVERDUE_SWEEP_INTERVAL_MS);
  overdueSweep.unref();
  return {
    announce,
    async stop() {
      clearInterval(overdueSweep);
      await sweeping?.catch(() => 0); // a sweep under way finishes before the pool closes
    },
  };
}
