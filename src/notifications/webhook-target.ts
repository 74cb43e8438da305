import { Resolver } from 'node:dns/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP } from 'node:net';
import { withTimeout } from '../platform/time.js';

/**
 * Where webhooks may go. In production: `https://` only, and never to a private, loopback, link-local, shared or
 * cloud-metadata address. WEBHOOK_ALLOWED_HOSTS names receivers in the operator's own network (`host` or
 * `host:port`): those may resolve to a private address — never to loopback, link-local or metadata ones. Outside
 * production `http://` is allowed to loopback only (local receivers, the tests). The host is resolved once per
 * attempt, the addresses are checked, and the request goes to the address that was checked (no second lookup a
 * DNS rebind could answer differently).
 */
export interface TargetPolicy {
  production: boolean;
  /** Lower-case `host` (any port) or `host:port` entries. */
  allowedHosts: ReadonlySet<string>;
  /** The resolver (tests give their own; by default the system's, bounded in time). */
  resolve: (host: string) => Promise<string[]>;
}

/**
 * A refused target. `message` is what the caller is told — the kind of refusal only, never what a host resolved
 * to or whether it resolved at all (that would map the operator's network); `detail` is for the server's log.
 */
export class TargetRefused extends Error {
  constructor(
    reason: string,
    readonly detail: string = reason,
  ) {
    super(reason);
    this.name = 'TargetRefused';
  }
}

/** How long a lookup may take; it counts against the attempt's time-out. */
export const LOOKUP_TIMEOUT_MS = 3_000;

const resolver = new Resolver({ timeout: 1_000, tries: 2 });

/**
 * The system's DNS, asked directly (c-ares: no thread of libuv's small pool is held by a slow name server, as
 * getaddrinfo would), for A and AAAA records at once. `localhost` is loopback without asking anyone.
 */
export async function systemResolver(host: string): Promise<string[]> {
  if (host === 'localhost') return ['127.0.0.1', '::1'];
  const [v4, v6] = await Promise.allSettled([resolver.resolve4(host), resolver.resolve6(host)]);
  return [...(v4.status === 'fulfilled' ? v4.value : []), ...(v6.status === 'fulfilled' ? v6.value : [])];
}

function subnets(list: ReadonlyArray<readonly [string, number]>, family: 'ipv4' | 'ipv6', into = new BlockList()): BlockList {
  for (const [network, prefix] of list) into.addSubnet(network, prefix, family);
  return into;
}

/** Never a target, allow-listed or not: this host itself, link-local and the clouds' metadata, multicast, reserved. */
const NEVER = subnets(
  [
    ['0.0.0.0', 8],
    ['127.0.0.0', 8],
    ['169.254.0.0', 16], // link-local, and the metadata service of every large cloud (169.254.169.254)
    ['224.0.0.0', 4],
    ['240.0.0.0', 4],
  ],
  'ipv4',
);
// No ::ffff:0:0/96 here: a BlockList matches every IPv4 address against it. Mapped addresses are unmapped first.
subnets(
  [
    ['::', 96], // unspecified, loopback, and IPv4-compatible (::a.b.c.d)
    ['::ffff:0:0:0', 96], // IPv4-translated
    ['fe80::', 10],
    ['fec0::', 10], // site-local (deprecated, still routed in places)
    ['ff00::', 8],
  ],
  'ipv6',
  NEVER,
);

/** Private and shared ranges, and the IPv6 forms that tunnel to IPv4: only for allow-listed hosts. */
const PRIVATE = subnets(
  [
    ['10.0.0.0', 8],
    ['100.64.0.0', 10],
    ['172.16.0.0', 12],
    ['192.0.0.0', 24],
    ['192.168.0.0', 16],
    ['198.18.0.0', 15],
  ],
  'ipv4',
);
subnets(
  [
    ['64:ff9b::', 96], // NAT64
    ['64:ff9b:1::', 48], // NAT64, local use
    ['2001::', 32], // Teredo
    ['2002::', 16], // 6to4
    ['fc00::', 7], // unique local
  ],
  'ipv6',
  PRIVATE,
);

function family(address: string): 'ipv4' | 'ipv6' {
  return isIP(address) === 6 ? 'ipv6' : 'ipv4';
}

/** An IPv4-mapped IPv6 address (::ffff:10.0.0.1, or ::ffff:a00:1 as URLs write it) is the IPv4 address it maps. */
function unmapped(address: string): string {
  const dotted = /^(?:0{0,4}:){0,5}:?ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (dotted) return dotted[1]!;
  const hex = /^(?:0{0,4}:){0,5}:?ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!hex) return address;
  const [high, low] = [parseInt(hex[1]!, 16), parseInt(hex[2]!, 16)];
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

function inList(list: BlockList, address: string): boolean {
  const plain = unmapped(address);
  return list.check(plain, family(plain));
}

/** Whether an address may never be a webhook target in production, allow-listed or not. */
export function isNeverAllowed(address: string): boolean {
  return inList(NEVER, address);
}

/** Whether an address is refused in production unless its host is allow-listed (or always: isNeverAllowed). */
export function isForbiddenAddress(address: string): boolean {
  return inList(NEVER, address) || inList(PRIVATE, address);
}

function isLoopback(address: string): boolean {
  const plain = unmapped(address);
  return plain === '::1' || (isIP(plain) === 4 && plain.startsWith('127.'));
}

/** The URL's form: scheme and shape. Says why it is refused, before anything is resolved or opened. */
export function checkTargetUrl(raw: string, policy: TargetPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TargetRefused('not a URL');
  }
  if (url.username || url.password) throw new TargetRefused('a URL with credentials in it is not accepted');
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && !policy.production) return url; // loopback only: checked when resolved
  throw new TargetRefused(policy.production ? 'only https:// URLs are accepted' : 'only https:// URLs, or http:// to loopback, are accepted');
}

/** The host of a URL without the brackets of an IPv6 literal, in lower case. */
function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
}

function isAllowListed(url: URL, policy: TargetPolicy): boolean {
  const host = hostOf(url);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return policy.allowedHosts.has(host) || policy.allowedHosts.has(`${host}:${port}`);
}

const NOT_PUBLIC = 'it does not lead to a public address (or to a host in WEBHOOK_ALLOWED_HOSTS)';

/** Resolves the host once (within LOOKUP_TIMEOUT_MS) and returns the address to connect to, or refuses. */
export async function resolveTarget(url: URL, policy: TargetPolicy): Promise<string> {
  const host = hostOf(url);
  const addresses = isIP(host) ? [host] : await withTimeout(policy.resolve(host), LOOKUP_TIMEOUT_MS).catch(() => [] as string[]);
  if (addresses.length === 0) throw new TargetRefused(NOT_PUBLIC, `${host} does not resolve (within ${LOOKUP_TIMEOUT_MS / 1000} s)`);
  if (url.protocol === 'http:') {
    if (!addresses.every(isLoopback)) throw new TargetRefused('http:// is accepted to loopback only', `${host} resolves to ${addresses.join(', ')}`);
    return addresses[0]!;
  }
  if (policy.production) {
    const listed = isAllowListed(url, policy);
    const bad = addresses.find((address) => (listed ? isNeverAllowed(address) : isForbiddenAddress(address)));
    if (bad) throw new TargetRefused(NOT_PUBLIC, `${host} resolves to ${bad}${listed ? ' (never allowed, also for an allow-listed host)' : ''}`);
  }
  return addresses[0]!;
}

export interface PostResult {
  statusCode: number;
}

/**
 * POSTs to the checked address with the URL's host name (for TLS and virtual hosts). No redirect is followed:
 * a 3xx is an answer like any other (not a success). Times out after `timeoutMs`.
 */
export function postTo(url: URL, address: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<PostResult> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const host = hostOf(url);
  return new Promise((resolve, reject) => {
    const request = send(
      {
        host: address,
        port: url.port || (url.protocol === 'https:' ? 443 : 80),
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        // TLS checks the certificate against the name (or IP literal) in the URL, never the address connected to.
        servername: isIP(host) ? undefined : host,
        headers: { ...headers, host: url.host, 'content-length': String(Buffer.byteLength(body)) },
        timeout: timeoutMs,
      },
      (response) => {
        response.resume(); // the receiver's body is not ours to keep
        response.on('end', () => resolve({ statusCode: response.statusCode ?? 0 }));
        response.on('error', reject);
      },
    );
    // The whole exchange, not only each silence, ends after timeoutMs.
    const deadline = setTimeout(() => request.destroy(new NoAnswer(timeoutMs)), timeoutMs);
    request.on('timeout', () => request.destroy(new NoAnswer(timeoutMs)));
    request.on('error', reject);
    request.on('close', () => clearTimeout(deadline));
    request.end(body);
  });
}

class NoAnswer extends Error {
  constructor(timeoutMs: number) {
    super(`no answer within ${timeoutMs / 1000} s`);
  }
}

/**
 * Why an attempt got no answer, in words that say what happened but not what lies behind the receiver's address
 * (the attempt log is read by the subscribing organisation).
 */
export function describeFailure(error: unknown, budgetMs: number): string {
  if (error instanceof TargetRefused) return `refused: ${error.message}`;
  if (error instanceof NoAnswer) return `no answer within ${budgetMs / 1000} s`;
  const code = String((error as { code?: string }).code ?? '');
  if (code === 'ECONNREFUSED') return 'the connection was refused';
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'the connection was closed before an answer';
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'the receiver could not be reached';
  if (code.startsWith('ERR_TLS') || code.includes('CERT') || code === 'EPROTO') return 'the TLS connection failed (certificate or protocol)';
  return 'the delivery failed before an answer';
}
