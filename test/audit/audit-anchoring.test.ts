import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainHash, contentDigest } from '../../src/audit/canonical.js';
import { auditVerdict, verifyAuditLog, verifyCheckpoints } from '../../src/audit/index.js';
import { Role, startTestApp, type TestApp } from '../support/test-app.js';
import { dutchLocation, freshKvk, PROVIDER, registerProvider } from '../support/providers.js';

/**
 * The hash chains alone do not stop someone with full rights over the database: rewrite a row, recompute every
 * hash after it and the head, and the chains are consistent again. The signed checkpoints, written outside the
 * database with a key it never sees, still catch it.
 */
describe('audit log anchored outside the database', () => {
  let t: TestApp;
  let rogue: pg.Client;

  /** As superuser, with the triggers switched off: what a database administrator gone rogue can do. */
  const tamper = (statement: string, params: unknown[] = []) => rogue.query(statement, params);

  /** Recomputes digests and links of one chain from `fromSeq` on, and its head, so the chain is consistent again. */
  async function recomputeChain(shard: number, fromSeq: number): Promise<void> {
    const rows = await t.sql<any>(
      `select id, occurred_at, request_id, actor_sub, actor_organisation, actor_roles, operation, resource_type, resource_ids,
         owner_organisations, resource_owners, outcome, details, chain_seq, prev_hash from audit_event where shard = $1 and chain_seq >= $2 order by chain_seq`,
      [shard, fromSeq],
    );
    let previous: Buffer = rows[0].prev_hash;
    for (const row of rows) {
      const digest = contentDigest({
        occurredAt: row.occurred_at,
        requestId: row.request_id,
        actorSub: row.actor_sub,
        actorOrganisation: row.actor_organisation,
        actorRoles: row.actor_roles,
        operation: row.operation,
        resourceType: row.resource_type,
        resourceIds: row.resource_ids,
        ownerOrganisations: row.owner_organisations,
        resourceOwners: row.resource_owners,
        outcome: row.outcome,
        details: row.details,
      });
      const hash = chainHash(previous, BigInt(row.chain_seq), digest);
      await tamper(`update audit_event set content_digest = $1, prev_hash = $2, hash = $3 where id = $4`, [digest, previous, hash, row.id]);
      previous = hash;
    }
    await tamper(`update audit_chain_head set hash = $1 where shard = $2`, [previous, shard]);
  }

  beforeAll(async () => {
    t = await startTestApp();
    const igj = await t.as('IGJ', [Role.PLANNER], 'registrar@igj');
    const provider = await registerProvider(igj, { kvkNumber: freshKvk(), locations: [dutchLocation('GM0363')] });
    for (let index = 0; index < 30; index++) await igj.request(PROVIDER, { id: index % 2 ? provider : randomUUID() });
    expect(await t.app.auditCheckpoint.checkpoint()).toBeDefined();
    // More events after the checkpoint, and nothing new to sign when nothing moved.
    await igj.request(PROVIDER, { id: provider });
    expect(await t.app.auditCheckpoint.checkpoint()).toBeDefined();
    expect(await t.app.auditCheckpoint.checkpoint()).toBeUndefined();
    rogue = new pg.Client({ connectionString: t.adminUrl });
    await rogue.connect();
    await rogue.query(`set session_replication_role = replica`);
  });
  afterAll(async () => {
    await rogue?.end();
    await t?.close();
  });

  const verify = async () => verifyCheckpoints(await t.ownerEm(), t.auditKey, t.config.auditCheckpointDir);

  it('an intact log passes both the chains and the checkpoints', async () => {
    expect((await verifyAuditLog(await t.ownerEm())).problems).toEqual([]);
    const report = await verify();
    expect(report).toEqual({ checkpoints: 2, problems: [] });
  });

  it('a log with events but no checkpoint at all is not taken for intact (the anchor was removed)', async () => {
    const chains = await verifyAuditLog(await t.ownerEm());
    expect(chains.events).toBeGreaterThan(0);
    const withAnchors = await verifyCheckpoints(await t.ownerEm(), t.auditKey, t.config.auditCheckpointDir);
    expect(withAnchors.checkpoints).toBeGreaterThan(0);
    expect(auditVerdict(chains, withAnchors, { checkpointDir: 'x' }).exitCode).toBe(0);

    const emptyDir = path.join(t.config.auditCheckpointDir, 'nothing-here');
    const without = await verifyCheckpoints(await t.ownerEm(), t.auditKey, emptyDir);
    expect(without).toEqual({ checkpoints: 0, problems: [] });
    const verdict = auditVerdict(chains, without, { checkpointDir: emptyDir });
    expect(verdict.exitCode).toBe(1);
    expect(verdict.lines[0]).toMatch(/NOT ANCHORED/);
    expect(auditVerdict(chains, without, { checkpointDir: emptyDir, allowUnanchored: true }).exitCode).toBe(0);
    expect(auditVerdict({ events: 0, problems: [], heads: [] }, without, { checkpointDir: emptyDir }).exitCode).toBe(0);
  });

  it('a row rewritten and the chain recomputed: the chains look intact, the checkpoints do not', async () => {
    const [victim] = await t.sql<{ id: string; shard: number; chain_seq: string }>(
      `select e.id, e.shard, e.chain_seq from audit_event e where e.outcome = 'NOT_FOUND' order by e.id limit 1`,
    );
    await tamper(`update audit_event set outcome = 'SUCCESS' where id = $1`, [victim!.id]);
    await recomputeChain(victim!.shard, Number(victim!.chain_seq));

    expect((await verifyAuditLog(await t.ownerEm())).problems).toEqual([]); // the unkeyed chain alone is fooled
    const report = await verify();
    expect(report.problems.length).toBeGreaterThan(0);
    expect(report.problems[0]).toMatch(new RegExp(`^chain ${victim!.shard}, position \\d+, signed at .*: the hash differs`));

    await tamper(`update audit_event set outcome = 'NOT_FOUND' where id = $1`, [victim!.id]);
    await recomputeChain(victim!.shard, Number(victim!.chain_seq));
    expect((await verify()).problems).toEqual([]);
  });

  it('rows removed from the end of a chain, head moved back: found', async () => {
    const [last] = await t.sql<{ id: string; shard: number; chain_seq: string; prev_hash: Buffer }>(
      `select e.id, e.shard, e.chain_seq, e.prev_hash from audit_event e join audit_chain_head h on h.shard = e.shard and h.seq = e.chain_seq
       where e.chain_seq > 1 order by e.id limit 1`,
    );
    await tamper(`delete from audit_event where id = $1`, [last!.id]);
    await tamper(`update audit_chain_head set seq = seq - 1, hash = $1 where shard = $2`, [last!.prev_hash, last!.shard]);
    expect((await verifyAuditLog(await t.ownerEm())).problems).toEqual([]); // consistent, as far as the chain can tell
    // Every checkpoint that signed that position says so (the chain may have been signed there more than once).
    const { problems } = await verify();
    expect(problems.length).toBeGreaterThan(0);
    for (const problem of problems) expect(problem).toMatch(new RegExp(`^chain ${last!.shard}, position ${last!.chain_seq}, .*rows were removed`));
  });

  it('a checkpoint file altered, or a line dropped, is found', async () => {
    const [file] = readdirSync(t.config.auditCheckpointDir);
    const full = path.join(t.config.auditCheckpointDir, file!);
    const original = readFileSync(full, 'utf8');
    const [first, second] = original.trim().split('\n');
    const forged = JSON.parse(first!);
    forged.heads[0][1] = '999999';
    writeFileSync(full, `${JSON.stringify(forged)}\n${second}\n`);
    expect((await verify()).problems).toContain(`${file}, line 1: the signature does not hold (the checkpoint was altered, or signed with another key).`);
    writeFileSync(full, `${second}\n`);
    expect((await verify()).problems).toContain(`${file}, line 1: the line before it is missing or was altered.`);
    writeFileSync(full, original);
  });

  it('npm run audit:verify exits 1 and names the first broken link', async () => {
    const keyFile = path.join(t.config.auditCheckpointDir, '..', `${path.basename(t.config.auditCheckpointDir)}-key`);
    writeFileSync(keyFile, t.auditKey);
    const run = promisify(execFile);
    const failure = await run('npm', ['run', '-s', 'audit:verify'], {
      env: {
        ...process.env,
        DATABASE_URL: t.databaseUrl,
        DATABASE_OWNER_URL: t.ownerUrl,
        AUDIT_KEY_FILE: keyFile,
        AUDIT_CHECKPOINT_DIR: t.config.auditCheckpointDir,
        NODE_ENV: 'development',
      },
    }).catch((error: { code: number; stdout: string }) => error);
    expect((failure as { code: number }).code).toBe(1);
    expect((failure as { stdout: string }).stdout).toMatch(/TAMPERED[\s\S]*first broken link: chain \d+, position \d+, signed at .*rows were removed/);
  });
});
