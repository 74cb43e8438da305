import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Webhook } from 'standardwebhooks';
import { isoTimestamp, fragment, run, sqlf } from '../platform/database/sql.js';
import type { Logger } from '../platform/logging.js';
import { cloudEvent, CLOUDEVENT_CONTENT_TYPE, EVENT_COLUMNS, type EventRow } from './cloud-event.js';
import { DeliveryStatus } from './event.enums.js';
import type { SecretBox } from './secret-box.js';
import { checkTargetUrl, describeFailure, postTo, resolveTarget, TargetRefused, type TargetPolicy } from './webhook-target.js';

/** How long an attempt may take in all: looking the host up, connecting, the receiver's answer. */
export const DELIVERY_TIMEOUT_MS = 10_000;
/** At most this many deliveries to one subscription are in flight at once, over all replicas: a slow receiver
 * holds up its own deliveries, not everyone's. */
export const IN_FLIGHT_PER_SUBSCRIPTION = 10;
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
  /** Deliveries this worker has in flight at most. */
  batchSize?: number;
  pollMs?: number;
  /** How long an attempt may take (default DELIVERY_TIMEOUT_MS). */
  timeoutMs?: number;
  /** A name for this worker in claims and attempts (default: random). */
  name?: string;
  /**
   * Outbox relays run before each claim: they turn changes committed with an outbox mark (a routing's
   * `published_at`) into events and deliveries, so the same round delivers them. Each is crash-safe on its own.
   */
  relays?: ReadonlyArray<() => Promise<unknown>>;
}

interface Claimed extends EventRow {
  deliveryId: string;
  attempts: number;
  attemptsBeforeWindow: number;
  windowStartedAt: string;
  url: string;
  sealedSecret: Buffer;
  active: boolean;
}

interface Outcome {
  statusCode: number | null;
  error: string | null;
}

/**
 * Delivers events to webhooks, at least once. Due deliveries are claimed with FOR UPDATE SKIP LOCKED and a lease,
 * so several replicas share the work without sending an event twice to a subscription in the normal case, and a
 * claim of a replica that died runs out and is taken over. Each subscription has a few deliveries in flight at
 * most, and a worker claims more as soon as it has room, so a slow receiver delays only its own events. Each
 * delivery is signed per Standard Webhooks (webhook-id = the event id, on which receivers dedupe).
 */
export class DeliveryWorker {
  readonly name: string;
  private timer: NodeJS.Timeout | undefined;
  private claiming: Promise<unknown> | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly options: WorkerOptions) {
    this.name = options.name ?? `worker-${randomBytes(4).toString('hex')}`;
  }

  private get capacity(): number {
    return this.options.batchSize ?? 20;
  }

  /** Looks for due deliveries every pollMs, claiming as many as it has room for; deliveries run side by side. */
  start(): void {
    this.stopped = false;
    const tick = () => {
      if (this.stopped) return;
      const room = this.capacity - this.inFlight.size;
      const claiming = this.relayOrLog().then(() => (room > 0 ? this.claim(room).then((claimed) => claimed.forEach((delivery) => this.launch(delivery))) : undefined));
      this.claiming = claiming
        .catch((error: unknown) => this.options.logger.error({ err: error }, 'webhook deliveries could not be claimed'))
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
    await this.claiming;
    await Promise.all(this.inFlight);
    await run(this.options.forkEm(), sqlf`update webhook_delivery set claimed_by = null, claim_expires_at = null where claimed_by = ${this.name}`);
  }

  /** One round by hand (tests): relays, claims what is due and waits for those deliveries. Returns how many were claimed. */
  async runOnce(): Promise<number> {
    await this.relay();
    const claimed = await this.claim(this.capacity);
    await Promise.all(claimed.map((delivery) => this.launch(delivery)));
    return claimed.length;
  }

  /** Runs the outbox relays once, in order (tests call it to see what a round would have published). */
  async relay(): Promise<void> {
    for (const relay of this.options.relays ?? []) await relay();
  }

  /** In the loop: a relay that fails is logged and tried again next round; it does not stop delivering. */
  private relayOrLog(): Promise<void> {
    return this.relay().catch((error: unknown) => this.options.logger.error({ err: error }, 'an outbox relay failed'));
  }

  private launch(delivery: Claimed): Promise<void> {
    const running: Promise<void> = this.deliver(delivery)
      .catch((error: unknown) => this.options.logger.error({ err: error, delivery: delivery.deliveryId }, 'webhook delivery could not be recorded'))
      .finally(() => this.inFlight.delete(running));
    this.inFlight.add(running);
    return running;
  }

  /**
   * Claims up to `limit` due deliveries, taking from each subscription only what its in-flight cap leaves, the
   * earliest due first. The candidates are read without locks; the claim re-checks them under FOR UPDATE.
   */
  private async claim(limit: number): Promise<Claimed[]> {
    const now = this.options.clock();
    const lease = new Date(now.getTime() + CLAIM_LEASE_MS);
    const waiting = sqlf`d.status in (${DeliveryStatus.PENDING}, ${DeliveryStatus.FAILED}) and d.next_attempt_at <= ${now}
      and (d.claim_expires_at is null or d.claim_expires_at <= ${now})`;
    return run<Claimed>(
      this.options.forkEm(),
      sqlf`with slots as (
          select s.id, ${IN_FLIGHT_PER_SUBSCRIPTION}::int - (select count(*)::int from webhook_delivery o
            where o.subscription_id = s.id and o.claimed_by is not null and o.claim_expires_at > ${now}) as free
          from webhook_subscription s
          where exists (select 1 from webhook_delivery d where d.subscription_id = s.id and ${waiting})
        ), picked as (
          select p.id, p.next_attempt_at from slots cross join lateral (
            select d.id, d.next_attempt_at from webhook_delivery d where d.subscription_id = slots.id and ${waiting}
            order by d.next_attempt_at limit greatest(slots.free, 0)
          ) p
          order by p.next_attempt_at limit ${limit}
        ), due as (
          select d.id from webhook_delivery d where d.id in (select id from picked) and ${waiting} for update of d skip locked
        ), claimed as (
          update webhook_delivery d set claimed_by = ${this.name}, claim_expires_at = ${lease} from due where d.id = due.id
          returning d.id, d.event_seq, d.subscription_id, d.attempts, d.attempts_before_window, d.window_started_at
        )
        select c.id as "deliveryId", c.attempts, c.attempts_before_window as "attemptsBeforeWindow",
          ${fragment(isoTimestamp('c.window_started_at'))} as "windowStartedAt", ${EVENT_COLUMNS},
          s.url, s.sealed_secret as "sealedSecret", s.active
        from claimed c join event e on e.seq = c.event_seq join webhook_subscription s on s.id = c.subscription_id`,
    );
  }

  private async deliver(delivery: Claimed): Promise<void> {
    if (!delivery.active) return this.giveUp(delivery);
    const started = this.options.clock();
    const clockStart = Date.now();
    const outcome = await this.send(delivery);
    await this.record(delivery, started, Date.now() - clockStart, outcome);
  }

  private async send(delivery: Claimed): Promise<Outcome> {
    const body = JSON.stringify(cloudEvent(delivery, this.options.eventSource));
    const budget = this.options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
    const began = Date.now();
    try {
      const url = checkTargetUrl(delivery.url, this.options.targets);
      const address = await resolveTarget(url, this.options.targets);
      // The signature's timestamp is the wall clock (not the app's clock): it is the receiver's guard against replays.
      const signedAt = new Date();
      const signature = new Webhook(this.options.secrets.open(delivery.sealedSecret)).sign(delivery.id, signedAt, body);
      const headers = {
        'content-type': CLOUDEVENT_CONTENT_TYPE,
        'webhook-id': delivery.id,
        'webhook-timestamp': String(Math.floor(signedAt.getTime() / 1000)),
        'webhook-signature': signature,
        'user-agent': 'Samenloop-Webhooks/1',
      };
      // Looking the host up counts against the attempt's time: the whole attempt ends within the budget.
      const result = await postTo(url, address, headers, body, Math.max(1, budget - (Date.now() - began)));
      return { statusCode: result.statusCode, error: null };
    } catch (error) {
      if (error instanceof TargetRefused) this.options.logger.info({ delivery: delivery.deliveryId, reason: error.detail }, 'webhook target refused');
      return { statusCode: null, error: describeFailure(error, budget) };
    }
  }

  /** The attempt, and what follows from it: delivered, retried later, given up; a 410 ends the subscription. */
  private async record(delivery: Claimed, started: Date, durationMs: number, outcome: Outcome): Promise<void> {
    const now = this.options.clock();
    const delivered = outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300;
    const retryAt = new Date(now.getTime() + retryDelayMs(delivery.attempts + 1 - delivery.attemptsBeforeWindow));
    const expired = retryAt.getTime() - Date.parse(delivery.windowStartedAt) > GIVE_UP_AFTER_MS;
    const status = delivered ? DeliveryStatus.DELIVERED : outcome.statusCode === 410 || expired ? DeliveryStatus.DEAD : DeliveryStatus.FAILED;
    await this.options.forkEm().transactional(async (tx) => {
      await run(
        tx,
        sqlf`insert into webhook_attempt (delivery_id, started_at, duration_ms, status_code, error, worker)
          values (${delivery.deliveryId}, ${started}, ${durationMs}, ${outcome.statusCode}, ${outcome.error}, ${this.name})`,
      );
      // Every attempt counts; what follows from it only while the claim is still ours (one taken over after our
      // lease ran out is the other worker's now).
      await run(
        tx,
        sqlf`update webhook_delivery set attempts = attempts + 1,
            status = case when claimed_by = ${this.name} then ${status} else status end,
            last_status_code = case when claimed_by = ${this.name} then ${outcome.statusCode}::int else last_status_code end,
            next_attempt_at = case when claimed_by = ${this.name} then ${status === DeliveryStatus.FAILED ? retryAt : now}::timestamptz else next_attempt_at end,
            delivered_at = case when claimed_by = ${this.name} then ${delivered ? now : null}::timestamptz else delivered_at end,
            claim_expires_at = case when claimed_by = ${this.name} then null else claim_expires_at end,
            claimed_by = case when claimed_by = ${this.name} then null else claimed_by end
          where id = ${delivery.deliveryId}`,
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

  /** A delivery of a subscription that ended meanwhile: given up without an attempt. */
  private async giveUp(delivery: Claimed): Promise<void> {
    await run(
      this.options.forkEm(),
      sqlf`update webhook_delivery set status = ${DeliveryStatus.DEAD}, claimed_by = null, claim_expires_at = null
        where id = ${delivery.deliveryId} and claimed_by = ${this.name}`,
    );
  }
}
