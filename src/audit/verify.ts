import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { fragment, isoTimestamp, run, sqlf } from '../platform/database/sql.js';
import { chainHash, contentDigest } from './canonical.js';

export const AUDIT_SHARDS = 16;

/** The hash each chain starts from; the migration seeds `audit_chain_head` with the same values. */
export function genesisHash(shard: number): Buffer {
  return createHash('sha256').update(`samenloop-audit-genesis:${shard}`).digest();
}

export interface ChainHead {
  shard: number;
  seq: bigint;
  hash: string;
}

export interface VerificationReport {
  events: number;
  problems: string[];
  heads: ChainHead[];
}

interface StoredEvent {
  id: string;
  occurredAt: string;
  /** True when the stored time has digits below the millisecond, which the application never writes. */
  subMillisecond: boolean;
  requestId: string | null;
  actorSub: string;
  actorOrganisation: string;
  actorRoles: string[];
  operation: string;
  resourceType: string;
  resourceIds: string[];
  ownerOrganisations: string[];
  resourceOwners: Record<string, string[]> | null;
  outcome: string;
  details: Record<string, unknown> | null;
  contentDigest: Buffer;
  shard: number;
  chainSeq: string;
  prevHash: Buffer;
  hash: Buffer;
}

const BATCH = 5_000;

interface StoredHead {
  shard: number;
  seq: string;
  hash: Buffer;
}

/** Where the walk along one chain has got to: the last position seen, and the hash the next row must link to. */
interface ChainPosition {
  seq: bigint;
  hash: Buffer;
}

/**
 * Walks every chain from its genesis: each row's content must still produce its digest, each link must follow
 * from the previous one, positions must be contiguous, and each chain must end where its head says. Any
 * altered, removed or inserted row breaks one of these.
 */
export async function verifyAuditLog(em: EntityManager, onProgress?: (checked: number) => void): Promise<VerificationReport> {
  const problems: string[] = [];
  const heads = await run<StoredHead>(em, sqlf`select shard, seq, hash from audit_chain_head order by shard`);
  let events = 0;
  const counted = () => {
    events++;
    if (events % 100_000 === 0) onProgress?.(events);
  };
  for (const head of heads) await verifyChain(em, head, problems, counted);
  if (heads.length !== AUDIT_SHARDS) problems.push(`expected ${AUDIT_SHARDS} chain heads, found ${heads.length}.`);
  return {
    events,
    problems,
    heads: heads.map((head) => ({ shard: head.shard, seq: BigInt(head.seq), hash: head.hash.toString('hex') })),
  };
}

async function verifyChain(em: EntityManager, head: StoredHead, problems: string[], counted: () => void): Promise<void> {
  let position: ChainPosition = { seq: 0n, hash: genesisHash(head.shard) };
  for (;;) {
    const rows = await readChainAfter(em, head.shard, position.seq);
    for (const row of rows) {
      position = checkEvent(head.shard, row, position, problems);
      counted();
    }
    if (rows.length < BATCH) break;
  }
  if (BigInt(head.seq) !== position.seq) {
    problems.push(`chain ${head.shard}: the head is at position ${head.seq} but the last row is at ${position.seq} (rows removed at the end).`);
  } else if (!head.hash.equals(position.hash)) {
    problems.push(`chain ${head.shard}: the head hash does not match the last row.`);
  }
}

/** The next batch of one chain's rows, after position `seq`. */
function readChainAfter(em: EntityManager, shard: number, seq: bigint): Promise<StoredEvent[]> {
  return run<StoredEvent>(
    em,
    sqlf`select id::text as id, ${fragment(isoTimestamp('occurred_at'))} as "occurredAt",
       extract(microseconds from occurred_at)::bigint % 1000 <> 0 as "subMillisecond", request_id as "requestId", actor_sub as "actorSub",
       actor_organisation as "actorOrganisation", actor_roles as "actorRoles", operation,
       resource_type as "resourceType", resource_ids as "resourceIds", owner_organisations as "ownerOrganisations",
       resource_owners as "resourceOwners", outcome, details, content_digest as "contentDigest", shard, chain_seq::text as "chainSeq",
       prev_hash as "prevHash", hash
     from audit_event where shard = ${shard} and chain_seq > ${seq.toString()}::bigint order by chain_seq limit ${BATCH}`,
  );
}

/** Checks one row against the position before it; answers the position after it. */
function checkEvent(shard: number, row: StoredEvent, previous: ChainPosition, problems: string[]): ChainPosition {
  const seq = BigInt(row.chainSeq);
  const expectedSeq = previous.seq + 1n;
  const where = `audit event ${row.id} (chain ${shard}, position ${seq})`;
  if (seq !== expectedSeq) {
    problems.push(`chain ${shard}: position ${expectedSeq}${seq > expectedSeq + 1n ? `–${seq - 1n}` : ''} is missing (rows removed).`);
  }
  const content = { ...row, occurredAt: new Date(row.occurredAt) };
  if (row.subMillisecond || !contentDigest(content).equals(row.contentDigest)) {
    problems.push(`${where}: its content was changed after it was written.`);
  }
  if (!row.prevHash.equals(previous.hash)) problems.push(`${where}: it does not link to the row before it.`);
  if (!chainHash(row.prevHash, seq, row.contentDigest).equals(row.hash)) problems.push(`${where}: its hash is wrong.`);
  return { seq, hash: row.hash };
}
