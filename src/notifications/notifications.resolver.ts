import DataLoader from 'dataloader';
import { Arg, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Requires } from '../access/operation-access.js';
import { organisationLoader } from '../organisations/index.js';
import { groupBy, listLoader, type ListKey } from '../platform/collections.js';
import { fragment, isoTimestamp, run, sqlf } from '../platform/database/sql.js';
import { pageSize, type Page } from '../platform/graphql/connection.js';
import { ListSize } from '../platform/graphql/cost-limit.js';
import type { RequestContext } from '../request-context.js';
import { EVENT_COLUMNS, type EventRow } from './cloud-event.js';
import { listDeliveries, listEvents, redeliverEvent, type DeliveryRow } from './feed.service.js';
import {
  CreateWebhookSubscriptionInput,
  CreateWebhookSubscriptionPayload,
  DeleteWebhookSubscriptionInput,
  Event,
  EventConnection,
  EventFilter,
  RedeliverEventInput,
  WebhookAttempt,
  WebhookDelivery,
  WebhookDeliveryConnection,
  WebhookDeliveryFilter,
  WebhookDeliveryPayload,
  WebhookSubscription,
  WebhookSubscriptionPayload,
} from './notifications.types.js';
import { MAX_ATTEMPTS_SHOWN, MAX_SUBSCRIPTIONS } from './notifications.validation.js';
import { createWebhookSubscription, deleteWebhookSubscription, listWebhookSubscriptions, SUBSCRIPTION_COLUMNS, type SubscriptionRow } from './subscription.service.js';

@Resolver(() => Event)
export class NotificationResolver {
  @Query(() => EventConnection, { description: "Your organisation's events, oldest first: the cursor is your bookmark." })
  @Requires('event.read')
  events(
    @Ctx() context: RequestContext,
    @Arg('filter', () => EventFilter, { nullable: true }) filter?: EventFilter,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ): Promise<Page<EventRow>> {
    return listEvents(context, filter, first, after);
  }

  @Query(() => [WebhookSubscription], { description: `Your organisation's webhook subscriptions; at most ${MAX_SUBSCRIPTIONS}.` })
  @ListSize({ max: MAX_SUBSCRIPTIONS })
  @Requires('webhook.manage')
  webhookSubscriptions(@Ctx() context: RequestContext): Promise<SubscriptionRow[]> {
    return listWebhookSubscriptions(context);
  }

  @Query(() => WebhookDeliveryConnection, { description: 'Deliveries to your subscriptions, newest first, with every attempt.' })
  @Requires('webhook.manage')
  webhookDeliveries(
    @Ctx() context: RequestContext,
    @Arg('filter', () => WebhookDeliveryFilter, { nullable: true }) filter?: WebhookDeliveryFilter,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ): Promise<Page<DeliveryRow>> {
    return listDeliveries(context, filter, first, after);
  }

  @Mutation(() => CreateWebhookSubscriptionPayload, { description: 'Subscribes a receiver; the signing secret is in the answer, this once.' })
  @Requires('webhook.manage')
  createWebhookSubscription(@Arg('input', () => CreateWebhookSubscriptionInput) input: CreateWebhookSubscriptionInput, @Ctx() context: RequestContext) {
    return createWebhookSubscription(context, input);
  }

  @Mutation(() => WebhookSubscriptionPayload, { description: 'Ends a subscription; deliveries still waiting are given up.' })
  @Requires('webhook.manage')
  async deleteWebhookSubscription(@Arg('input', () => DeleteWebhookSubscriptionInput) input: DeleteWebhookSubscriptionInput, @Ctx() context: RequestContext) {
    return { subscription: await deleteWebhookSubscription(context, input) };
  }

  @Mutation(() => WebhookDeliveryPayload, { description: 'Sends an event to one of your subscriptions again (or for the first time).' })
  @Requires('webhook.manage')
  async redeliverEvent(@Arg('input', () => RedeliverEventInput) input: RedeliverEventInput, @Ctx() context: RequestContext) {
    return { delivery: await redeliverEvent(context, input) };
  }

  @FieldResolver()
  organisation(@Root() event: EventRow, @Ctx() context: RequestContext) {
    return organisationLoader(context).load(event.organisation);
  }
}

@Resolver(() => WebhookDelivery)
export class WebhookDeliveryResolver {
  @FieldResolver(() => Event)
  async event(@Root() delivery: DeliveryRow, @Ctx() context: RequestContext) {
    return (await eventBySeq(context).load(delivery.eventSeq))!;
  }

  @FieldResolver(() => WebhookSubscription)
  async subscription(@Root() delivery: DeliveryRow, @Ctx() context: RequestContext) {
    return (await subscriptionById(context).load(delivery.subscriptionId))!;
  }

  @FieldResolver(() => [WebhookAttempt])
  attemptLog(
    @Root() delivery: DeliveryRow,
    @Ctx() context: RequestContext,
    @Arg('first', () => Int, { defaultValue: 20, description: `The oldest this many, at most ${MAX_ATTEMPTS_SHOWN}.` }) first: number,
  ) {
    return attemptsOf(context).load({ id: delivery.id, limit: pageSize(first, MAX_ATTEMPTS_SHOWN) });
  }
}

/** The loaders below serve only rows the page above them already scoped to the caller's organisation. */
function eventBySeq(context: RequestContext): DataLoader<string, EventRow | undefined> {
  return context.loader(createEventBySeq);
}

function createEventBySeq(context: RequestContext): DataLoader<string, EventRow | undefined> {
  return new DataLoader(async (seqs) => {
    const rows = await run<EventRow>(context.em, sqlf`select ${EVENT_COLUMNS} from event e where e.seq = any(${seqs}::bigint[])`);
    return seqs.map((seq) => rows.find((row) => row.seq === seq));
  });
}

function subscriptionById(context: RequestContext): DataLoader<string, SubscriptionRow | undefined> {
  return context.loader(createSubscriptionById);
}

function createSubscriptionById(context: RequestContext): DataLoader<string, SubscriptionRow | undefined> {
  return new DataLoader(async (ids) => {
    const rows = await run<SubscriptionRow>(context.em, sqlf`select ${SUBSCRIPTION_COLUMNS} from webhook_subscription s where s.id = any(${ids}::uuid[])`);
    return ids.map((id) => rows.find((row) => row.id === id));
  });
}

function attemptsOf(context: RequestContext): DataLoader<ListKey, WebhookAttempt[], string> {
  return context.loader(createAttemptsOf);
}

function createAttemptsOf(context: RequestContext): DataLoader<ListKey, WebhookAttempt[], string> {
  return listLoader(async (deliveryIds, limit) => {
    const rows = await run<WebhookAttempt & { deliveryId: string }>(
      context.em,
      sqlf`select tried.* from unnest(${deliveryIds}::uuid[]) as parent(id) cross join lateral (
          select a.delivery_id as "deliveryId", ${fragment(isoTimestamp('a.started_at'))} as at, a.duration_ms as "durationMs",
            a.status_code as "statusCode", a.error from webhook_attempt a where a.delivery_id = parent.id order by a.id limit ${limit ?? null}) as tried`,
    );
    return groupBy(deliveryIds, rows, (row) => row.deliveryId, ({ deliveryId: _deliveryId, ...attempt }) => attempt);
  });
}
