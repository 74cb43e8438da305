import net from 'node:net';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createHttpServer, createMetricsServer } from '../../src/platform/http/server.js';
import { API_CSP } from '../../src/platform/http/security-headers.js';
import { createLogger } from '../../src/platform/logging.js';
import { Metrics } from '../../src/platform/metrics.js';

/**
 * The answers no route or hook writes — Node's refusal of malformed HTTP, the answer to a request that arrives while
 * the server closes, a URL the metrics port cannot decode — carry the same security headers as every other
 * (test/operations/headers.test.ts covers the rest).
 */
const logger = createLogger('silent');
const servers: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const apiServer = () => createHttpServer({ logger, readiness: async () => ({ ready: true }), production: true, bodyLimit: 1_000_000, metrics: new Metrics(), metricsHere: false });

async function listening(server: FastifyInstance = apiServer()): Promise<{ server: FastifyInstance; port: number }> {
  servers.push(server);
  await server.listen({ host: '127.0.0.1', port: 0 });
  const address = server.server.address() as net.AddressInfo;
  return { server, port: address.port };
}

/** Opens a connection and sends `text`; `answer` resolves with everything the server wrote before it closed. */
async function connect(port: number, text: string) {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  const answer = new Promise<string>((resolve) => socket.on('close', () => resolve(received)));
  socket.on('error', () => undefined); // the server may reset the connection after answering
  socket.write(text);
  return { socket, answer };
}

function parse(raw: string): { status: number; headers: Map<string, string> } {
  const [head] = raw.split('\r\n\r\n');
  const [statusLine, ...lines] = head!.split('\r\n');
  const headers = new Map(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()] as [string, string]));
  return { status: Number(statusLine!.split(' ')[1]), headers };
}

/** The security headers of an ordinary answer (test/operations/headers.test.ts pins their values). */
const SECURITY_HEADERS = [
  'strict-transport-security', 'x-content-type-options', 'x-frame-options', 'referrer-policy', 'cross-origin-opener-policy',
  'origin-agent-cluster', 'x-dns-prefetch-control', 'x-download-options', 'x-permitted-cross-domain-policies', 'x-xss-protection',
];
let ordinary: Record<string, unknown> | undefined;

/** Every security header, with the value an ordinary answer carries, each once; the strict CSP; no-store. */
async function expectSecurityHeaders(what: string, raw: string): Promise<void> {
  ordinary ??= (await apiServer().inject('/healthz')).headers;
  const { headers } = parse(raw);
  for (const name of SECURITY_HEADERS) {
    expect(ordinary[name], `ordinary answer: ${name}`).toBeDefined();
    expect(headers.get(name), `${what}: ${name}`).toBe(ordinary[name]);
  }
  const names = raw.split('\r\n\r\n')[0]!.split('\r\n').slice(1).map((line) => line.slice(0, line.indexOf(':')).toLowerCase());
  expect(names.length, `${what}: a header twice`).toBe(new Set(names).size);
  expect(headers.get('x-powered-by'), what).toBeUndefined();
  expect(headers.get('content-security-policy'), what).toBe(API_CSP);
  expect(headers.get('cache-control'), what).toBe('no-store');
}

describe('answers written past the routes', () => {
  it('refuses malformed HTTP and oversized headers with the security headers', async () => {
    const { port } = await listening();
    const malformed = await (await connect(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n')).answer;
    expect(parse(malformed).status).toBe(400);
    await expectSecurityHeaders('malformed', malformed);
    const oversized = await (await connect(port, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`)).answer;
    expect(parse(oversized).status).toBe(431);
    await expectSecurityHeaders('oversized', oversized);
  });

  it('refuses an oversized chunk extension in a body being read with 413, as Node does, and the security headers', async () => {
    const server = apiServer();
    server.post('/echo', async (request) => ({ length: String(request.body).length }));
    const { port } = await listening(server);
    const chunked = `POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n1;${'a'.repeat(20_000)}\r\nx\r\n0\r\n\r\n`;
    const raw = await (await connect(port, chunked)).answer;
    expect(parse(raw).status, raw.slice(0, 200)).toBe(413);
    await expectSecurityHeaders('chunk extension', raw);
  });

  it('writes nothing into an answer already under way on the connection when what follows on it is malformed', async () => {
    const server = apiServer();
    const body = new PassThrough();
    server.get('/slow', (_request, reply) => reply.header('content-type', 'text/plain').send(body));
    const { port } = await listening(server);
    const { socket, answer } = await connect(port, 'GET /slow HTTP/1.1\r\nHost: x\r\n\r\n');
    body.write('first-chunk;');
    await new Promise((resolve) => socket.once('data', resolve));
    socket.write('not http at all\r\n\r\n');
    const received = await answer;
    body.end();
    expect(received).toContain('first-chunk;');
    expect(received.match(/HTTP\/1\.1 /g)).toHaveLength(1);
  });

  for (const [which, make] of [['the API server', apiServer], ['the metrics server', () => createMetricsServer(logger, new Metrics())]] as const) {
    it(`answers a request that arrives while ${which} closes with 503, the security headers and Connection: close`, async () => {
      const { server, port } = await listening(make());
      // The request has begun (so its connection is not idle and survives the close) but is not complete yet.
      const { socket, answer } = await connect(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n');
      await new Promise((resolve) => setTimeout(resolve, 100));
      const closed = server.close();
      // server.close() stops listening only after the preClose hooks, ours included, have run.
      while (server.server.listening) await new Promise((resolve) => setTimeout(resolve, 5));
      socket.write('\r\n');
      const raw = await answer;
      await closed;
      expect(parse(raw).status, raw.slice(0, 200)).toBe(503);
      expect(parse(raw).headers.get('connection')).toBe('close');
      await expectSecurityHeaders('closing', raw);
    });
  }

  it('answers a URL the metrics port cannot decode with 400 and the security headers', async () => {
    const { port } = await listening(createMetricsServer(logger, new Metrics()));
    const raw = await (await connect(port, 'GET /metrics%E0%A4%A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).answer;
    expect(parse(raw).status).toBe(400);
    await expectSecurityHeaders('metrics bad URL', raw);
  });
});
