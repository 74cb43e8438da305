import { stat, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createLocalJWKSet, errors as joseErrors, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';

/**
 * An issuer's key set, kept fresh enough that a key its owner removes stops being trusted within a minute, without
 * a restart — for a JWKS file and for a JWKS served over HTTP(S) alike.
 *
 * - A file is checked every few seconds (size and modification time) and read again when it changed.
 * - HTTP: the `Cache-Control` max-age of the answer is respected, but never longer than a minute (so removal takes
 *   effect within 60 s) and never shorter than five seconds (so nobody can make us fetch for every request, also
 *   not with made-up key ids); concurrent requests share one fetch; redirects are refused.
 * - When a refresh fails, the last good keys are used for at most ten minutes (an identity provider's short
 *   outage should not stop every organisation's work), with a warning in the log each time; after that, tokens
 *   of that issuer are refused until its keys can be fetched again. During such an outage a key removed at the
 *   provider is not known to be removed: that window is the price of availability, and is documented.
 */
export const KEY_SET_TIMING = {
  /** How often a key file is looked at. */
  fileCheckMs: 5_000,
  /** Remote key sets: shortest and longest time an answer is trusted. */
  minAgeMs: 5_000,
  maxAgeMs: 60_000,
  /** How long the last good keys stand in when they cannot be fetched. */
  staleLimitMs: 10 * 60_000,
  fetchTimeoutMs: 5_000,
};

export interface KeySetOptions {
  now: () => number;
  onWarning?: (message: string, details: Record<string, unknown>) => void;
}

interface Loaded {
  keys: JWTVerifyGetKey;
  /** When these keys were obtained, and until when they may be used without asking again. */
  at: number;
  freshUntil: number;
}

/**
 * An issuer's keys for `jwtVerify`, and the generation of the key set they come from: the same object for as long
 * as the set has not been read again, so that a token verified with it may be trusted again without checking its
 * signature once more (authenticate.ts). Asking for the generation refreshes the set exactly as verifying would.
 */
export interface KeySet {
  getKey: JWTVerifyGetKey;
  generation(): Promise<object>;
}

export function keySetFor(jwksUri: string, options: KeySetOptions): KeySet {
  const url = new URL(jwksUri);
  return url.protocol === 'file:' ? fileKeySet(fileURLToPath(url), options) : remoteKeySet(url, options);
}

function fileKeySet(file: string, options: KeySetOptions): KeySet {
  let loaded: (Loaded & { version: string }) | undefined;
  let checkedAt = 0;
  const version = async () => {
    const info = await stat(file);
    return `${info.size}:${info.mtimeMs}:${info.ino}`;
  };
  const load = async () => {
    const seen = await version();
    const jwks = JSON.parse(await readFile(file, 'utf8')) as JSONWebKeySet;
    const now = options.now();
    loaded = { keys: createLocalJWKSet(jwks), at: now, freshUntil: now + KEY_SET_TIMING.fileCheckMs, version: seen };
    checkedAt = now;
    return loaded;
  };
  const current = async () => {
    const now = options.now();
    if (!loaded) return load();
    if (now - checkedAt >= KEY_SET_TIMING.fileCheckMs) {
      checkedAt = now;
      if ((await version()) !== loaded.version) return load();
    }
    return loaded;
  };
  return keySet(current, load, options);
}

function remoteKeySet(url: URL, options: KeySetOptions): KeySet {
  let loaded: Loaded | undefined;
  let inFlight: Promise<Loaded> | undefined;

  const fetchKeys = async (): Promise<Loaded> => {
    const response = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(KEY_SET_TIMING.fetchTimeoutMs), headers: { accept: 'application/json' } });
    if (response.status !== 200) throw new Error(`the key set answered HTTP ${response.status}`);
    const jwks = (await response.json()) as JSONWebKeySet;
    if (!jwks || !Array.isArray(jwks.keys)) throw new Error('the key set is not a JWKS document');
    const now = options.now();
    return { keys: createLocalJWKSet(jwks), at: now, freshUntil: now + trustedFor(response.headers.get('cache-control')) };
  };

  /** One fetch at a time; on failure the last good keys stand in for a while. */
  const refresh = (): Promise<Loaded> => {
    inFlight ??= fetchKeys()
      .then((fresh) => (loaded = fresh))
      .catch((error: unknown) => {
        const stale = loaded;
        if (stale && options.now() - stale.at < KEY_SET_TIMING.staleLimitMs) {
          options.onWarning?.('the issuer key set could not be refreshed; using the last good keys', { url: url.href, error: String(error) });
          // Try again after the short interval, not at once.
          stale.freshUntil = options.now() + KEY_SET_TIMING.minAgeMs;
          return stale;
        }
        throw new joseErrors.JWKSTimeout(`the issuer key set could not be fetched: ${String(error)}`);
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };

  return keySet(async () => (loaded && options.now() < loaded.freshUntil ? loaded : refresh()), refresh, options);
}

/**
 * The key set over its current keys; a key id it does not know — a key added a moment ago — makes it read the
 * keys again, at most every few seconds.
 */
function keySet(current: () => Promise<Loaded>, reload: () => Promise<Loaded>, options: KeySetOptions): KeySet {
  return {
    generation: current,
    getKey: async (header, token) => {
      const keys = await current();
      try {
        return await keys.keys(header, token);
      } catch (error) {
        if (error instanceof joseErrors.JWKSNoMatchingKey && options.now() - keys.at >= KEY_SET_TIMING.minAgeMs) {
          return (await reload()).keys(header, token);
        }
        throw error;
      }
    },
  };
}

/** How long an answer may be trusted: its max-age, within our floor and ceiling. */
export function trustedFor(cacheControl: string | null): number {
  const directives = (cacheControl ?? '').toLowerCase();
  const maxAge = /(?:^|[,\s])max-age=(\d+)/.exec(directives)?.[1];
  const asked = /no-store|no-cache/.test(directives) ? 0 : maxAge !== undefined ? Number(maxAge) * 1000 : KEY_SET_TIMING.maxAgeMs;
  return Math.min(KEY_SET_TIMING.maxAgeMs, Math.max(KEY_SET_TIMING.minAgeMs, asked));
}
