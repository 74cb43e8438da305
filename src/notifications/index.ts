export { EventType, EventResourceType, DeliveryStatus } from './event.enums.js';
export { eventOutboxSql, publishEvents, type NewEvent } from './events.js';
export { EventEntity, WebhookSubscriptionEntity, WebhookDeliveryEntity, WebhookAttemptEntity } from './notifications.entity.js';
export { NotificationResolver, WebhookDeliveryResolver } from './notifications.resolver.js';
export { DeliveryWorker, type WorkerOptions } from './delivery-worker.js';
export { SecretBox } from './secret-box.js';
export { systemResolver, type TargetPolicy } from './webhook-target.js';
export { cloudEvent, CLOUDEVENT_BATCH_CONTENT_TYPE, type EventRow } from './cloud-event.js';
export { listEvents } from './feed.service.js';
