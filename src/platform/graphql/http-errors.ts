import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { TooManyRequests } from '../http/rate-limit.js';

/**
 * What the HTTP host refuses on /graphql before Apollo runs, answered as GraphQL errors with a code (so a client
 * reads them like any other): too many changes (429, Retry-After), a body over the limit (413, never parsed).
 * Anything else goes on to the server's own error handler.
 */
export function graphqlHttpErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof TooManyRequests) {
    return reply.code(429).send({ errors: [{ message: error.message, extensions: { code: 'TOO_MANY_REQUESTS', retryAfterSeconds: error.retryAfterSeconds } }] });
  }
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return reply.code(413).send({ errors: [{ message: 'The request body is larger than any request this API accepts.', extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
  }
  throw error;
}
