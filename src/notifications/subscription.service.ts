import { requireAction } from '../access/policy.js';
import { ensureOrganisationRow } from '../organisations/index.js';
import { fragment, isoTimestamp, run, sqlf } from '../platform/database/sql.js';
import { BadUserInputError, InputProblems, NotFoundError } from '../platform/errors.js';
import { uuidv7 } from '../platform/ids.js';
import { inTransaction, requireViewer, type RequestContext } from '../request-context.js';
import { DeliveryStatus } from './event.enums.js';
import { idOrProblem, MAX_SUBSCRIPTIONS, validateSubscription } from './notifications.validation.js';
import { newSigningSecret } from './secret-box.js';
import { checkTargetUrl, resolveTarget, TargetRefused } from './webhook-target.js';

export interface SubscriptionRow {
  id: string;
  url: string;
  eventTypes: string[];
  description: string | null;
  active: boolean;
  createdAt: string;
}

export const SUBSCRIPTION_COLUMNS = fragment(`s.id, s.url, s.event_types as "eventTypes", s.description, s.active, ${isoTimestamp('s.created_at')} as "createdAt"`);

/**
 * Subscribes a receiver to some of the organisation's events. Its URL must be a safe target (webhook-target.ts),
 * checked now and again before every attempt. The signing secret is made here, kept sealed, and shown once.
 */
export async function createWebhookSubscription(
  context: RequestContext,
  input: { url: string; eventTypes: readonly string[]; description?: string | null },
): Promise<{ subscription: SubscriptionRow; signingSecret: string }> {
  const viewer = requireViewer(context);
  requireAction(viewer, 'webhook.manage');
  const problems = new InputProblems();
  const draft = validateSubscription(input, problems);
  problems.throwIfAny();
  try {
    await resolveTarget(checkTargetUrl(draft.url, context.settings.webhookTargets), context.settings.webhookTargets);
  } catch (error) {
    if (error instanceof TargetRefused) {
      context.log.info({ reason: error.detail }, 'webhook subscription refused');
      throw new BadUserInputError('input.url', `This URL is not accepted: ${error.message}.`);
    }
    throw error;
  }
  const signingSecret = newSigningSecret();
  const id = uuidv7();
  const subscription = await inTransaction(context, async (em) => {
    await ensureOrganisationRow(em, viewer.organisation);
    await run(em, sqlf`select pg_advisory_xact_lock(hashtextextended(${`webhooks:${viewer.organisation}`}, 0))`);
    const [count] = await run<{ count: number }>(em, sqlf`select count(*)::int as count from webhook_subscription where organisation = ${viewer.organisation} and deleted_at is null`);
    if (count!.count >= MAX_SUBSCRIPTIONS) throw new BadUserInputError('input', `An organisation has at most ${MAX_SUBSCRIPTIONS} subscriptions: delete one first.`);
    const [row] = await run<SubscriptionRow>(
      em,
      sqlf`insert into webhook_subscription as s (id, organisation, url, event_types, description, sealed_secret, active, created_by_sub, created_at)
        values (${id}, ${viewer.organisation}, ${draft.url}, ${draft.eventTypes}::text[], ${draft.description}, ${context.settings.webhookSecrets.seal(signingSecret)},
          true, ${viewer.sub}, ${context.now()})
        returning ${SUBSCRIPTION_COLUMNS}`,
    );
    context.audit.record({
      operation: 'createWebhookSubscription',
      resourceType: 'WebhookSubscription',
      resources: [{ id, owners: [viewer.organisation] }],
      details: { eventTypes: draft.eventTypes },
    });
    return row!;
  });
  return { subscription, signingSecret };
}

export async function listWebhookSubscriptions(context: RequestContext): Promise<SubscriptionRow[]> {
  const viewer = requireViewer(context);
  requireAction(viewer, 'webhook.manage');
  const rows = await run<SubscriptionRow>(
    context.em,
    sqlf`select ${SUBSCRIPTION_COLUMNS} from webhook_subscription s where s.organisation = ${viewer.organisation} and s.deleted_at is null order by s.created_at, s.id`,
  );
  context.audit.record({ operation: 'webhookSubscriptions', resourceType: 'WebhookSubscription', resources: rows.map((row) => ({ id: row.id, owners: [viewer.organisation] })) });
  return rows;
}

/** Ends a subscription: no more deliveries, and the ones still waiting are given up. */
export async function deleteWebhookSubscription(context: RequestContext, input: { subscriptionId: string }): Promise<SubscriptionRow> {
  const viewer = requireViewer(context);
  requireAction(viewer, 'webhook.manage');
  const problems = new InputProblems();
  const id = idOrProblem(problems, input.subscriptionId, 'input.subscriptionId', 'subscription');
  if (problems.problems.length > 0) throw new NotFoundError('subscription', input.subscriptionId.slice(0, 64));
  return inTransaction(context, async (em) => {
    const [row] = await run<SubscriptionRow>(
      em,
      sqlf`update webhook_subscription s set active = false, deleted_at = ${context.now()}, deactivated_reason = 'deleted'
        where s.id = ${id}::uuid and s.organisation = ${viewer.organisation} and s.deleted_at is null returning ${SUBSCRIPTION_COLUMNS}`,
    );
    if (!row) throw new NotFoundError('subscription', input.subscriptionId.slice(0, 64));
    await run(
      em,
      sqlf`update webhook_delivery set status = ${DeliveryStatus.DEAD}, next_attempt_at = ${context.now()}, claimed_by = null, claim_expires_at = null
        where subscription_id = ${id}::uuid and status in (${DeliveryStatus.PENDING}, ${DeliveryStatus.FAILED})`,
    );
    context.audit.record({ operation: 'deleteWebhookSubscription', resourceType: 'WebhookSubscription', resources: [{ id: row.id, owners: [viewer.organisation] }] });
    return row;
  });
}
