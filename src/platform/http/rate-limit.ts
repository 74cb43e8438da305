import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export interface MutationLimitOptions {
  /** Per client and minute; 0: no limit. */
  perMinute: number;
  /** Who is asking: the verified organisation and sub, or for a request without a good token its address. */
  clientKey: (request: FastifyRequest) => Promise<string>;
  /** Whether the request changes something (only those count). */
  isMutation: (request: FastifyRequest) => boolean;
}

/** The error the limit throws; each host turns it into its own answer (GraphQL errors, problem+json). */
export class TooManyRequests extends Error {
  readonly statusCode = 429;
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many changes from this client: try again in ${retryAfterSeconds} s.`);
    this.name = 'TooManyRequests';
  }
}

/** A preHandler that answers 429 when the client has sent its changes for this minute. */
export type MutationLimit = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

/**
 * The limit on changes per client (organisation + sub), with @fastify/rate-limit: a preHandler for the routes
 * that change things, answering 429 with Retry-After. Counted per replica (its memory): with n replicas behind a
 * balancer a client gets up to n times the limit (docs/deployment.md). undefined when the limit is off.
 */
export async function mutationLimiter(app: FastifyInstance, options: MutationLimitOptions): Promise<MutationLimit | undefined> {
  if (options.perMinute === 0) return undefined;
  const quiet = { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false } as const;
  await app.register(rateLimit, { global: false, addHeadersOnExceeding: quiet, addHeaders: { ...quiet, 'retry-after': true } });
  return app.rateLimit({
    max: options.perMinute,
    timeWindow: 60_000,
    hook: 'preHandler',
    keyGenerator: options.clientKey,
    allowList: (request) => !options.isMutation(request),
    errorResponseBuilder: (_request, context) => new TooManyRequests(Math.max(1, Math.ceil(context.ttl / 1000))),
  }) as (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
}
