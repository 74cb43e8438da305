import net from 'node:net';
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

async function listening(): Promise<{ server: FastifyInstance; port: number }> {
  const server = createHttpServer({ logger, readiness: async () => ({ ready: true }), production: true, bodyLimit: 1_000_000, metrics: new Metrics(), metricsHere: false });
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

function expectSecurityHeaders(what: string, headers: Map<string, string>): void {
  expect(headers.get('content-security-policy'), what).toBe(API_CSP);
  expect(headers.get('cache-control'), what).toBe('no-store');
  expect(headers.get('strict-transport-security'), what).toBe('max-age=31536000; includeSubDomains');
  expect(headers.get('x-content-type-options'), what).toBe('nosniff');
  expect(headers.get('x-frame-options'), what).toBe('DENY');
  expect(headers.get('referrer-policy'), what).toBe('no-referrer');
}

describe('answers written past the routes', () => {
  it('refuses malformed HTTP and oversized headers with the security headers', async () => {
    const { port } = await listening();
    const malformed = parse(await (await connect(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n')).answer);
    expect(malformed.status).toBe(400);
    expectSecurityHeaders('malformed', malformed.headers);
    const oversized = parse(await (await connect(port, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`)).answer);
    expect(oversized.status).toBe(431);
    expectSecurityHeaders('oversized', oversized.headers);
  });

  it('answers a request that arrives while the server closes with 503, the security headers and Connection: close', async () => {
    const { server, port } = await listening();
    // The request has begun (so its connection is not idle and survives the close) but is not complete yet.
    const { socket, answer } = await connect(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closed = server.close();
    // server.close() stops listening only after the preClose hooks, ours included, have run.
    while (server.server.listening) await new Promise((resolve) => setTimeout(resolve, 5));
    socket.write('\r\n');
    const { status, headers } = parse(await answer);
    await closed;
    expect(status).toBe(503);
    expect(headers.get('connection')).toBe('close');
    expectSecurityHeaders('closing', headers);
  });

  it('answers a URL the metrics port cannot decode with 400 and the security headers', async () => {
    const metrics = createMetricsServer(logger, new Metrics());
    servers.push(metrics);
    const response = await metrics.inject('/metrics%E0%A4%A');
    expect(response.statusCode).toBe(400);
    expectSecurityHeaders('metrics bad URL', new Map(Object.entries(response.headers).map(([name, value]) => [name, String(value)])));
  });
});
