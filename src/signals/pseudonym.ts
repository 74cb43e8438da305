import { createHmac } from 'node:crypto';

/**
 * The keyed pseudonym of a BSN: HMAC-SHA256 under a secret key from configuration. The same person gets the
 * same pseudonym, so signals about them can be linked; without the key it cannot be turned back into a BSN
 * (the nine-digit space is small enough to enumerate, which is why a plain hash would not do).
 */
export function pseudonymOf(key: Buffer, bsn: string): Buffer {
  return createHmac('sha256', key).update(`bsn:${bsn}`).digest();
}
