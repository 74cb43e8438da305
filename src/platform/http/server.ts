import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type IncomingHttpHeaders } from 'node:http';
import type { Duplex } from 'node:stream';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import type { Logger } from '../logging.js';
import type { Metrics } from '../metrics.js';
import { finishSecurityHeaders, RAW_ANSWER_HEADERS, registerSecurityHeaders } from './security-headers.js';

export interface Readiness {
  ready: boolean;
  reason?: string;
}

export interface HttpServerOptions {
  logger: Logger;
  readiness: () => Promise<Readiness>;
  production: boolean;
  /** The largest request body accepted, in bytes (routes may set less); above it 413, never parsed. */
  bodyLimit: number;
  metrics: Metrics;
  /** Serve /metrics on this server; false: on a port of its own (createMetricsServer). */
  metricsHere: boolean;
  /** Answers what Fastify refuses before any route (a URL that does not decode), when it is a feature's; false: the default. */
  frameworkError?: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => boolean;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The HTTP host: health and readiness probes, Prometheus metrics, request ids and one structured log line per
 * request. Feature routes (GraphQL, the REST bridge) are registered on it by the composition root.
 */
export function createHttpServer(options: HttpServerOptions): FastifyInstance {
  const app = createHost(options.logger, options.frameworkError, { bodyLimit: options.bodyLimit, requestIdHeader: false, genReqId: requestId });
  registerRequestLog(app, options.metrics);
  registerErrorAnswers(app, options.production);
  registerProbes(app, options.readiness);
  if (options.metricsHere) serveMetrics(app, options.metrics);
  return app;
}

/** The caller's X-Request-Id when it is a plausible one, so that its logs and ours line up; otherwise a new one. */
/**
 * What each of our servers starts from: our logger, and every answer carrying the security headers — also those
 * written past the routes: framework errors, Node's refusals of malformed HTTP, the 503 while closing.
 */
function createHost(logger: Logger, frameworkError: HttpServerOptions['frameworkError'], options: Pick<FastifyServerOptions, 'bodyLimit' | 'requestIdHeader' | 'genReqId'> = {}): FastifyInstance {
  const app = Fastify({
    ...options,
    loggerInstance: logger as unknown as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    forceCloseConnections: 'idle',
    // Fastify's own 503 while closing is written past every hook, without the security headers:
    // registerResponseHeaders answers it instead.
    return503OnClosing: false,
    frameworkErrors: (error, request, reply) => answerFrameworkError(frameworkError, error, request as FastifyRequest, reply as FastifyReply),
    clientErrorHandler: answerClientError,
  });
  registerSecurityHeaders(app);
  registerResponseHeaders(app);
  return app;
}

function requestId(request: { headers: IncomingHttpHeaders }): string {
  const incoming = request.headers['x-request-id'];
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

function answerFrameworkError(feature: HttpServerOptions['frameworkError'], error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  // No hook has run for these: the security headers are set here, before the answer is sent.
  reply.header('content-type', 'application/json; charset=utf-8');
  finishSecurityHeaders(request, reply);
  if (feature?.(error, request, reply)) return;
  void reply.code(400).send({ error: 'bad request', message: error.message, requestId: request.id });
}

/** The statuses Node gives its parser's refusals; any other is 400. */
const CLIENT_ERROR_STATUS: Record<string, number> = { ERR_HTTP_REQUEST_TIMEOUT: 408, HPE_HEADER_OVERFLOW: 431, HPE_CHUNK_EXTENSIONS_OVERFLOW: 413 };

/**
 * What Node's HTTP parser refuses before there is a request (malformed HTTP, headers too large): answered on the
 * socket as Node and Fastify do, with the security headers, and the connection ended. Nothing is written into an
 * answer already under way on that connection (Node's own guard).
 */
function answerClientError(this: FastifyInstance, error: NodeJS.ErrnoException, socket: Duplex & { _httpMessage?: { headersSent?: boolean } }): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  this.log.trace({ code: error.code }, 'refused malformed HTTP');
  const status = CLIENT_ERROR_STATUS[error.code ?? ''] ?? 400;
  const body = JSON.stringify({ error: status === 400 ? 'bad request' : STATUS_CODES[status]!.toLowerCase(), message: STATUS_CODES[status] });
  const headers = [...RAW_ANSWER_HEADERS, ['Content-Type', 'application/json; charset=utf-8'], ['Content-Length', String(Buffer.byteLength(body))], ['Connection', 'close']];
  if (socket.writable && !socket._httpMessage?.headersSent) {
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${headers.map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n${body}`);
  }
  socket.destroy(error);
}

function registerResponseHeaders(app: FastifyInstance): void {
  // Once closing has begun, every answer still going out ends its connection: a kept-alive connection would
  // otherwise hold the shutdown until it timed out.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  // A request that still arrives on an open connection is sent elsewhere (a load balancer retries it).
  app.addHook('onRequest', async (request, reply) => {
    if (closing) return reply.code(503).send({ error: 'unavailable', message: 'The server is shutting down; send the request again.', requestId: request.id });
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    if (closing) reply.header('connection', 'close');
  });
}

function registerRequestLog(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpRequests.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    // The path only: a query string may carry GraphQL variables, which are never logged.
    request.log.info(
      { method: request.method, path: request.url.split('?')[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      'request',
    );
  });
}

function registerErrorAnswers(app: FastifyInstance, production: boolean): void {
  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    const message = status >= 500 && production ? 'Internal server error.' : error.message;
    return reply.code(status).send({ error: status >= 500 ? 'internal' : 'bad request', message, requestId: request.id });
  });
}

function registerProbes(app: FastifyInstance, readiness: () => Promise<Readiness>): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const state = await readiness();
    return reply.code(state.ready ? 200 : 503).send(state.ready ? { status: 'ready' } : { status: 'not ready', reason: state.reason });
  });
}

/**
 * /metrics on a server of its own, for METRICS_PORT: bound to 127.0.0.1 by the caller, so that only the host
 * (a Prometheus agent or sidecar next to the process) reads it — never the public port.
 */
export function createMetricsServer(logger: Logger, metrics: Metrics): FastifyInstance {
  const app = createHost(logger, undefined);
  serveMetrics(app, metrics);
  return app;
}

function serveMetrics(app: FastifyInstance, metrics: Metrics): void {
  app.get('/metrics', async (_request, reply) => reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics()));
}
