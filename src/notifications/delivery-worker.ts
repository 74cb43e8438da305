import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Webhook } from 'standardwebhooks';
import { isoTimestamp, fragment, run, sqlf } from '../platform/database/sql.js';
import type { Logger } from '../platform/logging.js';
import { cloudEvent, CLOUDEVENT_CONTENT_TYPE, EVENT_COLUMNS, type EventRow } from './cloud-event.js';
import { DeliveryStatus } from './event.enums.js';
import type { SecretBox } from './secret-box.js';
import { checkTargetUrl, postTo, resolveTarget, TargetRefused, type TargetPolicy } from './webhook-target.js';

/** How long a receiver has to answer. */
export const DELIVERY_TIMEOUT_MS = 10_000;
/** How long a claim holds: long enough for a batch, short enough that a crashed replica's claims are soon taken over. */
export const CLAIM_LEASE_MS = 60_000;
/** After this long without success a delivery is DEAD. */
export const GIVE_UP_AFTER_MS = 24 * 60 * 60 * 1000;
const FIRST_RETRY_MS = 5_000;
const LONGEST_RETRY_MS = 4 * 60 * 60 * 1000;

/**
 * The wait before attempt `attempt + 1` after `attempt` failed ones: doubling from 5 s, at most 4 h, with ±25 %
 * jitter so that receivers coming back up are not hit by everyone at the same moment.
 */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, attempt - 1), LONGEST_RETRY_MS);
  return Math.round(base * (0.75 + random() * 0.5));
}

export interface DeliveryOutcome {
  status: DeliveryStatus;
  statusCode: number | null;
  error: string | null;
}

export interface WorkerOptions {
  forkEm: () => EntityManager;
  clock: () => Date;
  secrets: SecretBox;
  targets: TargetPolicy;
  eventSource: string;
  logger: Logger;
  /** Counts deliveries by outcome (metrics). */
  onOutcome?: (outcome: DeliveryStatus) => void;
  batchSize?: number;
  pollMs?: number;
  /** How long a receiver has to answer (default DELIVERY_TIMEOUT_MS). */
  timeoutMs?: number;
  /** A name for this worker in claims and attempts (default: random). */
  name?: string;
}

interface Claimed extends EventRow {
  deliveryId: string;
  attempts: number;
  deliveryCreatedAt: string;
  url: string;
  sealedSecret: Buffer;
  active: boolean;
}

/**
 * Delivers events to webhooks, at least once. Due deliveries are claimed with FOR UPDATE SKIP LOCKED and a lease,
 * so several replicas share the work without sending an event twice to a subscription in the normal case, and a
 * claim of a replica that died runs out and is taken over. Each delivery is signed per Standard Webhooks
 * (webhook-id = the event id, on which receivers dedupe).
 */
export class DeliveryWorker {
  readonly name: string;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private stopped = false;

  constructor(private readonly options: WorkerOptions) {
    this.name = options.name ?? `worker-${randomBytes(4).toString('hex')}`;
  }

  start(): void {
    this.stopped = false;
    const tick = () => {
      if (this.stopped) return;
      this.runOnce()
        .catch((error: unknown) => this.options.logger.error({ err: error }, 'webhook delivery round failed'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.options.pollMs ?? 500);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  /** Stops claiming; deliveries in flight finish (each within the time-out); what was claimed and not begun is released. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    await run(this.options.forkEm(), sqlf`update webhook_delivery set claimed_by = null, claim_expires_at = null where claimed_by = ${this.name}`);
  }

  /** One round: claims what is due and delivers it. Returns how many deliveries were attempted. */
  runOnce(): Promise<number> {
    this.running ??= this.round().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async round(): Promise<number> {
    const claimed = await this.claim();
    await Promise.all(claimed.map((delivery) => this.deliver(delivery)));
    return claimed.length;
  }

  private async claim(): Promise<Claimed[]> {
    const now = this.options.clock();
    const lease = new Date(now.getTime() + CLAIM_LEASE_MS);
    return run<Claimed>(
      this.options.forkEm(),
      sqlf`with due as (
          select d.id from webhook_delivery d
          where d.status in (${DeliveryStatus.PENDING}, ${DeliveryStatus.FAILED}) and d.next_attempt_at <= ${now}
            and (d.claim_expires_at is null or d.claim_expires_at <= ${now})
          order by d.next_attempt_at limit ${this.options.batchSize ?? 20} for update skip locked
        ), claimed as (
          update webhook_delivery d set claimed_by = ${this.name}, claim_expires_at = ${lease} from due where d.id = due.id
          returning d.id, d.event_seq, d.subscription_id, d.attempts, d.created_at
        )
        select c.id as "deliveryId", c.attempts, ${fragment(isoTimestamp('c.created_at'))} as "deliveryCreatedAt", ${EVENT_COLUMNS},
          s.url, s.sealed_secret as "sealedSecret", s.active
        from claimed c join event e on e.seq = c.event_seq join webhook_subscription s on s.id = c.subscription_id`,
    );
  }

  private async deliver(delivery: Claimed): Promise<void> {
    const started = this.options.clock();
    const clockStart = Date.now();
    let outcome: { statusCode: number | null; error: string | null };
    if (!delivery.active) {
      outcome = { statusCode: null, error: 'the subscription is no longer active' };
    } else {
      outcome = await this.send(delivery);
    }
    await this.record(delivery, started, Date.now() - clockStart, outcome);
  }

  private async send(delivery: Claimed): Promise<{ statusCode: number | null; error: string | null }> {
    const body = JSON.stringify(cloudEvent(delivery, this.options.eventSource));
    try {
      const url = checkTargetUrl(delivery.url, this.options.targets);
      const address = await resolveTarget(url, this.options.targets);
      // The signature's timestamp is the wall clock (not the app's clock): it is the receiver's guard against replays.
      const signedAt = new Date();
      const signature = new Webhook(this.options.secrets.open(delivery.sealedSecret)).sign(delivery.id, signedAt, body);
      const result = await postTo(
        url,
        address,
        {
          'content-type': CLOUDEVENT_CONTENT_TYPE,
          'webhook-id': delivery.id,
          'webhook-timestamp': String(Math.floor(signedAt.getTime() / 1000)),
          'webhook-signature': signature,
          'user-agent': 'Samenloop-Webhooks/1',
        },
        body,
        this.options.timeoutMs ?? DELIVERY_TIMEOUT_MS,
      );
      return { statusCode: result.statusCode, error: null };
    } catch (error) {
      return { statusCode: null, error: error instanceof TargetRefused ? `refused: ${error.message}` : String((error as Error).message ?? error).slice(0, 200) };
    }
  }

  /** The attempt, and what follows from it: delivered, retried later, given up; a 410 ends the subscription. */
  private async record(delivery: Claimed, started: Date, durationMs: number, outcome: { statusCode: number | null; error: string | null }): Promise<void> {
    const now = this.options.clock();
    const attempts = delivery.attempts + 1;
    const delivered = outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300;
    const gone = outcome.statusCode === 410 || !delivery.active;
    const retryAt = new Date(now.getTime() + retryDelayMs(attempts));
    const expired = retryAt.getTime() - Date.parse(delivery.deliveryCreatedAt) > GIVE_UP_AFTER_MS;
    const status = delivered ? DeliveryStatus.DELIVERED : gone || expired ? DeliveryStatus.DEAD : DeliveryStatus.FAILED;
    const em = this.options.forkEm();
    await em.transactional(async (tx) => {
      await run(
        tx,
        sqlf`insert into webhook_attempt (delivery_id, started_at, duration_ms, status_code, error, worker)
          values (${delivery.deliveryId}, ${started}, ${durationMs}, ${outcome.statusCode}, ${outcome.error}, ${this.name})`,
      );
      // Only while the claim is still ours: a delivery taken over after our lease ran out is the other worker's now.
      await run(
        tx,
        sqlf`update webhook_delivery set status = ${status}, attempts = attempts + 1, last_status_code = ${outcome.statusCode},
            next_attempt_at = ${status === DeliveryStatus.FAILED ? retryAt : now}, delivered_at = ${delivered ? now : null},
            claimed_by = null, claim_expires_at = null
          where id = ${delivery.deliveryId} and claimed_by = ${this.name}`,
      );
      if (outcome.statusCode === 410) {
        await run(
          tx,
          sqlf`with ended as (
              update webhook_subscription set active = false, deactivated_reason = 'the receiver answered 410 Gone'
              where id = (select subscription_id from webhook_delivery where id = ${delivery.deliveryId}) returning id
            )
            update webhook_delivery set status = ${DeliveryStatus.DEAD} where subscription_id in (select id from ended)
              and status in (${DeliveryStatus.PENDING}, ${DeliveryStatus.FAILED}) and id <> ${delivery.deliveryId}`,
        );
      }
    });
    this.options.onOutcome?.(status);
  }
}
