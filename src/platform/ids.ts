import { randomBytes } from 'node:crypto';

/**
 * UUID version 7 (RFC 9562): time-ordered, so new rows land at the end of their B-tree indexes instead of at
 * random places, and ids sort roughly by creation time.
 */
let pool = Buffer.alloc(0);
let offset = 0;

/**
 * Each id takes the next 16 bytes of a random pool refilled 4 KiB at a time (one call into the crypto library per
 * 256 ids) and writes its time and version bits over them in place: every window of the pool is used once.
 */
export function uuidv7(now = Date.now()): string {
  if (offset + 16 > pool.length) {
    pool = randomBytes(4096);
    offset = 0;
  }
  const at = offset;
  offset += 16;
  pool.writeUIntBE(now, at, 6);
  pool[at + 6] = (pool[at + 6]! & 0x0f) | 0x70;
  pool[at + 8] = (pool[at + 8]! & 0x3f) | 0x80;
  const hex = pool.toString('hex', at, at + 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The canonical (lower-case) form of a UUID, or undefined when `value` is not one: ids compare case-insensitively. */
export function parseUuid(value: string): string | undefined {
  return UUID.test(value) ? value.toLowerCase() : undefined;
}
