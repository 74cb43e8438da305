import { lookup } from 'node:dns/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP } from 'node:net';

/**
 * Where webhooks may go. In production: `https://` only, and never to a private, loopback, link-local, shared or
 * cloud-metadata address — unless the host is in WEBHOOK_ALLOWED_HOSTS. Outside production `http://` is allowed to
 * loopback only (local receivers, the tests). The host is resolved once per attempt, the addresses are checked,
 * and the request goes to the address that was checked (no second lookup a DNS rebind could answer differently).
 */
export interface TargetPolicy {
  production: boolean;
  allowedHosts: ReadonlySet<string>;
  /** The resolver (tests give their own; by default the system's). */
  resolve: (host: string) => Promise<string[]>;
}

export class TargetRefused extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'TargetRefused';
  }
}

export const systemResolver = async (host: string): Promise<string[]> => (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);

const FORBIDDEN = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, and the metadata service of every large cloud (169.254.169.254)
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  FORBIDDEN.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  // No ::ffff:0:0/96 here: a BlockList matches every IPv4 address against it. Mapped addresses are unmapped first.
  ['64:ff9b::', 96],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  FORBIDDEN.addSubnet(network, prefix, 'ipv6');
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

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

export function isForbiddenAddress(address: string): boolean {
  const plain = unmapped(address);
  return FORBIDDEN.check(plain, family(plain));
}

function isLoopback(address: string): boolean {
  const plain = unmapped(address);
  return LOOPBACK.check(plain, family(plain));
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

/** Resolves the host once and returns the address to connect to, or refuses (no connection opened). */
export async function resolveTarget(url: URL, policy: TargetPolicy): Promise<string> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [host] : await policy.resolve(host).catch(() => [] as string[]);
  if (addresses.length === 0) throw new TargetRefused(`${host} does not resolve`);
  const allowed = policy.allowedHosts.has(host.toLowerCase());
  if (url.protocol === 'http:' && !addresses.every(isLoopback)) throw new TargetRefused('http:// is accepted to loopback only');
  if (policy.production && !allowed) {
    const bad = addresses.find(isForbiddenAddress);
    if (bad) throw new TargetRefused(`${host} resolves to ${bad}, a private, loopback, link-local or metadata address (WEBHOOK_ALLOWED_HOSTS may allow it)`);
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
  return new Promise((resolve, reject) => {
    const request = send(
      {
        host: address,
        port: url.port || (url.protocol === 'https:' ? 443 : 80),
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        servername: isIP(url.hostname) ? undefined : url.hostname,
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
    const deadline = setTimeout(() => request.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    request.on('error', reject);
    request.on('close', () => clearTimeout(deadline));
    request.end(body);
  });
}
