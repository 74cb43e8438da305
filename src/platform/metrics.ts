import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Prometheus metrics of one server instance (its own registry, so tests can run several side by side). */
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests: Histogram<'method' | 'route' | 'status'>;
  readonly graphqlOperations: Counter<'operation' | 'type' | 'outcome'>;
  readonly sqlStatements: Counter;
  readonly webhookDeliveries: Counter<'outcome'>;

  constructor() {
    this.registry.setDefaultLabels({ service: 'samenloop' });
    collectDefaultMetrics({ register: this.registry });
    this.httpRequests = new Histogram({
      name: 'samenloop_http_request_duration_seconds',
      help: 'HTTP requests by route and status.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
    this.graphqlOperations = new Counter({
      name: 'samenloop_graphql_operations_total',
      help: 'GraphQL operations by root field, type and outcome.',
      labelNames: ['operation', 'type', 'outcome'],
      registers: [this.registry],
    });
    this.sqlStatements = new Counter({
      name: 'samenloop_sql_statements_total',
      help: 'SQL statements sent to PostgreSQL.',
      registers: [this.registry],
    });
    this.webhookDeliveries = new Counter({
      name: 'samenloop_webhook_deliveries_total',
      help: 'Webhook delivery attempts by what they ended in (DELIVERED, FAILED: retried later, DEAD).',
      labelNames: ['outcome'],
      registers: [this.registry],
    });
  }

  /** The delivery queue, read from the database when /metrics is scraped. */
  watchDeliveryQueue(read: () => Promise<{ depth: number; oldestSeconds: number }>): void {
    let last: Promise<{ depth: number; oldestSeconds: number }> | undefined;
    // Without the database the last values stand: /metrics keeps answering (and shows the outage elsewhere).
    let known = { depth: 0, oldestSeconds: 0 };
    // One read per scrape: prom-client asks both gauges in one synchronous pass, so the read is shared until the
    // next microtask and never reused by a later scrape.
    const current = () => {
      if (!last) {
        last = read()
          .then((values) => (known = values))
          .catch(() => known);
        queueMicrotask(() => (last = undefined));
      }
      return last;
    };
    new Gauge({
      name: 'samenloop_webhook_queue_depth',
      help: 'Deliveries waiting for an attempt (PENDING or FAILED).',
      registers: [this.registry],
      async collect() {
        this.set((await current()).depth);
      },
    });
    new Gauge({
      name: 'samenloop_webhook_oldest_undelivered_seconds',
      help: 'Age of the oldest event still waiting to be delivered (0 when none).',
      registers: [this.registry],
      async collect() {
        this.set((await current()).oldestSeconds);
      },
    });
  }
}
