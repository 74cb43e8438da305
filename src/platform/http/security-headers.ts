import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import helmet from 'helmet';

/**
 * The security headers of the NL API Design Rules (/core/transport/security-headers), on every answer: the API's,
 * the REST bridge's, the health probes', errors and pages. helmet sets the fixed ones, from middleware made once
 * per process (@fastify/helmet made it again for every request); the Content-Security-Policy depends on what is
 * answered, so it is set when the answer is known.
 */

/** For everything that is not a page (JSON, problem+json, CloudEvents, scripts, metrics): nothing may load. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/**
 * For the pages we serve (GraphiQL in development, the REST bridge's docs, the console): scripts and styles from
 * this origin only, no inline script; inline styles are allowed for the libraries' components.
 */
export const PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

const HEADERS = {
  contentSecurityPolicy: false, // set below, by kind of answer
  strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
  xFrameOptions: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
  xContentTypeOptions: true,
  // The API is called by other organisations' systems and their pages: a resource policy would block nothing
  // of ours and only confuse those; CORS stays closed (no Access-Control-* headers are ever sent).
  crossOriginResourcePolicy: false,
} as const;

/** Sets the fixed headers on a response. */
const fixedHeaders = helmet(HEADERS);

/**
 * All the headers of an API answer, for the few answers written straight to the socket, where there is no
 * response object to set them on (Node's refusals of malformed HTTP): what helmet sets, read once from a stand-in.
 */
export const RAW_ANSWER_HEADERS: ReadonlyArray<readonly [string, string]> = (() => {
  const headers: Array<[string, string]> = [];
  const standIn = { setHeader: (name: string, value: string) => headers.push([name, String(value)]), removeHeader: () => undefined };
  let done = false;
  fixedHeaders({} as never, standIn as never, (error?: unknown) => {
    if (error) throw error;
    done = true;
  });
  // helmet sets its headers synchronously today; if a later version did not, this list would silently lack them.
  if (!done) throw new Error('helmet did not set its headers synchronously; RAW_ANSWER_HEADERS cannot be read from it');
  return [...headers, ['Content-Security-Policy', API_CSP], ['Cache-Control', 'no-store']];
})();

export function registerSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onRequest', (request, reply, done) => fixedHeaders(request.raw, reply.raw, (error) => done(error as Error | undefined)));
  app.addHook('onSend', async (request, reply, payload) => {
    finishSecurityHeaders(request, reply);
    return payload;
  });
}

/**
 * The headers that depend on the answer; and all of them for an answer no hook saw (Fastify's framework errors,
 * which the server's frameworkErrors handler passes here before sending).
 */
export function finishSecurityHeaders(request: FastifyRequest, reply: FastifyReply): void {
  if (!reply.raw.hasHeader('x-content-type-options') && !reply.hasHeader('x-content-type-options')) fixedHeaders(request.raw, reply.raw, () => {});
  const type = String(reply.getHeader('content-type') ?? '');
  reply.header('content-security-policy', type.startsWith('text/html') ? PAGE_CSP : API_CSP);
  // API answers are never stored; the libraries' static files say how long they keep (GraphiQL, docs).
  if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
}
