import { createHmac, timingSafeEqual } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';
import { run, sqlf } from '../platform/database/sql.js';
import { canonicalJson } from './canonical.js';

/**
 * Anchors the audit log outside the database. The hash chains in the database are unkeyed: someone with full
 * rights over the database could rewrite rows and recompute every hash after them. So the service periodically
 * signs the chain heads with a key the database never sees (AUDIT_KEY_FILE) and appends that checkpoint to a
 * file outside the database (AUDIT_CHECKPOINT_DIR). `npm run audit:verify` then checks that every chain still
 * passes through every signed head: a rewrite or removal of anything before the latest checkpoint is found.
 *
 * Each process writes its own file, and each line carries the signature of the line before it, so lines cannot
 * be dropped from the middle of a file unnoticed.
 */
export interface Checkpoint {
  at: string;
  database: string;
  /** [shard, sequence number, hash (hex)] of every chain head. */
  heads: Array<[number, string, string]>;
  /** The signature of the previous line of the same file; null for the first. */
  previous: string | null;
  signature: string;
}

type Unsigned = Omit<Checkpoint, 'signature'>;

function sign(key: Buffer, content: Unsigned): string {
  return createHmac('sha256', key).update(canonicalJson(content)).digest('base64url');
}

function signatureHolds(key: Buffer, checkpoint: Checkpoint): boolean {
  const { signature, ...content } = checkpoint;
  const expected = Buffer.from(sign(key, content));
  const given = Buffer.from(String(signature));
  return expected.length === given.length && timingSafeEqual(expected, given);
}

async function currentHeads(em: EntityManager): Promise<{ database: string; heads: Checkpoint['heads'] }> {
  const rows = await run<{ database: string; shard: number; seq: string; hash: Buffer }>(
    em,
    sqlf`select current_database() as database, shard, seq::text as seq, hash from audit_chain_head order by shard`,
  );
  return { database: rows[0]?.database ?? '', heads: rows.map((row) => [row.shard, row.seq, row.hash.toString('hex')]) };
}

/** Writes signed checkpoints of the chain heads to one file of its own, whenever the heads moved. */
export class AuditCheckpointer {
  private readonly file: string;
  private previous: string | null = null;
  private lastHeads = '';

  constructor(
    private readonly options: { key: Buffer; directory: string; forkEm: () => EntityManager; now?: () => Date },
  ) {
    mkdirSync(options.directory, { recursive: true, mode: 0o700 });
    const started = (options.now?.() ?? new Date()).toISOString().replace(/[:.]/g, '-');
    this.file = path.join(options.directory, `audit-checkpoints-${started}-${process.pid}.jsonl`);
  }

  /** Signs and appends the current heads; returns the checkpoint, or undefined when nothing moved since the last. */
  async checkpoint(): Promise<Checkpoint | undefined> {
    const { database, heads } = await currentHeads(this.options.forkEm());
    const fingerprint = JSON.stringify([database, heads]);
    if (fingerprint === this.lastHeads) return undefined;
    const content: Unsigned = { at: (this.options.now?.() ?? new Date()).toISOString(), database, heads, previous: this.previous };
    const checkpoint: Checkpoint = { ...content, signature: sign(this.options.key, content) };
    appendFileSync(this.file, `${JSON.stringify(checkpoint)}\n`, { mode: 0o600 });
    this.previous = checkpoint.signature;
    this.lastHeads = fingerprint;
    return checkpoint;
  }
}

export interface CheckpointReport {
  checkpoints: number;
  problems: string[];
}

/**
 * Checks every checkpoint file in `directory` against the database: signatures, the chain of lines in each file,
 * and that each signed head is still where it was, with the same hash. Checkpoints of other databases are skipped.
 */
export async function verifyCheckpoints(em: EntityManager, key: Buffer, directory: string): Promise<CheckpointReport> {
  const problems: string[] = [];
  let checkpoints = 0;
  const { database, heads: current } = await currentHeads(em);
  const currentSeq = new Map(current.map(([shard, seq]) => [shard, BigInt(seq)]));
  const files = existsSync(directory) ? readdirSync(directory).filter((file) => file.endsWith('.jsonl')).sort() : [];
  for (const file of files) {
    let previous: string | null = null;
    const lines = readFileSync(path.join(directory, file), 'utf8').split('\n').filter((line) => line.trim() !== '');
    for (const [index, line] of lines.entries()) {
      const where = `${file}, line ${index + 1}`;
      let checkpoint: Checkpoint;
      try {
        checkpoint = JSON.parse(line) as Checkpoint;
      } catch {
        problems.push(`${where}: not a checkpoint (the file was altered).`);
        continue;
      }
      if (!signatureHolds(key, checkpoint)) {
        problems.push(`${where}: the signature does not hold (the checkpoint was altered, or signed with another key).`);
        continue;
      }
      if (checkpoint.previous !== previous) problems.push(`${where}: the line before it is missing or was altered.`);
      previous = checkpoint.signature;
      if (checkpoint.database !== database) continue;
      checkpoints++;
      problems.push(...(await headsStillHold(em, checkpoint, currentSeq, where)));
    }
  }
  return { checkpoints, problems };
}

async function headsStillHold(
  em: EntityManager,
  checkpoint: Checkpoint,
  currentSeq: Map<number, bigint>,
  where: string,
): Promise<string[]> {
  const signed = checkpoint.heads.filter(([, seq]) => BigInt(seq) > 0n);
  if (signed.length === 0) return [];
  const rows = await run<{ shard: number; seq: string; hash: Buffer }>(
    em,
    sqlf`select e.shard, e.chain_seq::text as seq, e.hash from audit_event e
     join jsonb_to_recordset(${JSON.stringify(signed.map(([shard, seq]) => ({ shard, seq })))}::jsonb) as h(shard smallint, seq bigint)
       on e.shard = h.shard and e.chain_seq = h.seq`,
  );
  const found = new Map(rows.map((row) => [row.shard, row.hash.toString('hex')]));
  const problems: string[] = [];
  for (const [shard, seq, hash] of signed) {
    const at = `chain ${shard}, position ${seq}, signed at ${checkpoint.at} (${where})`;
    if ((currentSeq.get(shard) ?? 0n) < BigInt(seq)) problems.push(`${at}: the chain now ends before it — rows were removed.`);
    else if (!found.has(shard)) problems.push(`${at}: the row is gone — rows were removed.`);
    else if (found.get(shard) !== hash) problems.push(`${at}: the hash differs — the chain up to here was rewritten.`);
  }
  return problems;
}
