import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statementReadEventSql } from '../../src/audit/statement-read-event.js';
import { auditInsertSql } from '../../src/audit/audit-store.js';
import { AuditTrail } from '../../src/audit/audit-trail.js';
import { AuditWriter } from '../../src/audit/audit-writer.js';
import { contentDigest } from '../../src/audit/canonical.js';
import { verifyAuditLog } from '../../src/audit/verify.js';
import type { Viewer } from '../../src/access/viewer.js';
import { fragment, run, sqlf } from '../../src/platform/database/sql.js';
import { Role, startTestApp, type TestApp } from '../support/test-app.js';

interface Shown {
  id: string;
  owners: string[];
}

const IDS = ['0d5c6a4e-7c1b-4f0e-9a57-1b2c3d4e5f60', '7f7e6d5c-4b3a-4291-8807-f6e5d4c3b2a1', 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d', 'ffffffff-0000-4000-8000-000000000001'];
const OWNERS = ['IGJ', 'NZA', 'OM', 'GM0363', 'ZORGINSPECTIE'];

/**
 * A statement that finds the records it shows audits showing them itself (statementReadEventSql): the event it
 * writes must be the one AuditTrail would have written for the same records — the same ids, owners and ownership,
 * and the same digest, which the chain's verification recomputes from the stored row.
 */
describe('the audit event a statement writes for what it shows', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  const trail = (sub: string, requestId: string | null) => {
    const viewer: Viewer = { sub, organisation: 'IGJ', kind: 'INSPECTORATE' as Viewer['kind'], roles: new Set([Role.PLANNER, Role.INSPECTOR]), issuer: 'https://test' };
    return new AuditTrail(viewer, requestId, new AuditWriter(() => { throw new Error('not used'); }), () => new Date('2027-03-01T09:30:00.123Z'));
  };

  /** Writes the event for `shown` from a statement, and returns it as stored, beside what AuditTrail makes of it. */
  const writeAndExpect = async (shown: Shown[], sub = 'planner-1', requestId: string | null = 'req-1') => {
    const em = await t.ownerEm();
    const [{ last }] = await run<{ last: string }>(em, fragment('select coalesce(max(id), 0)::text as last from audit_event'));
    const records = sqlf`select r.ord, r.id, array(select jsonb_array_elements_text(r.owners))
      from jsonb_to_recordset(${JSON.stringify(shown.map((record, index) => ({ ord: index + 1, ...record })))}::jsonb) as r(ord int, id uuid, owners jsonb)`;
    await run(em, auditInsertSql([], fragment('true'), statementReadEventSql(trail(sub, requestId).readByStatement('visit.conflicts', 'Visit')!, records)));
    const stored = await run<{ resourceIds: string[]; ownerOrganisations: string[]; resourceOwners: Record<string, string[]> | null; digest: Buffer }>(
      em,
      sqlf`select resource_ids as "resourceIds", owner_organisations as "ownerOrganisations", resource_owners as "resourceOwners", content_digest as digest
        from audit_event where id > ${last}::bigint order by id`,
    );
    const expected = trail(sub, requestId);
    expected.record({ operation: 'visit.conflicts', resourceType: 'Visit', resources: shown });
    return { stored, expected: expected.takeFrom(0) };
  };

  it('writes what AuditTrail writes: every owner owning every id, and owners owning different ids', async () => {
    const same = await writeAndExpect([{ id: IDS[0]!, owners: ['NZA', 'IGJ'] }, { id: IDS[1]!, owners: ['IGJ', 'NZA'] }]);
    expect(same.stored).toHaveLength(1);
    expect(same.stored[0]).toMatchObject({ resourceIds: [IDS[0], IDS[1]], ownerOrganisations: ['IGJ', 'NZA'], resourceOwners: null });
    expect(same.stored[0]!.digest.equals(contentDigest(same.expected[0]!))).toBe(true);

    const split = await writeAndExpect([{ id: IDS[2]!, owners: ['OM'] }, { id: IDS[0]!, owners: ['IGJ', 'OM'] }], 'ärger "quoted" \\ sub', null);
    expect(split.stored[0]).toMatchObject({ resourceIds: [IDS[2], IDS[0]], ownerOrganisations: ['IGJ', 'OM'], resourceOwners: { IGJ: [IDS[0]], OM: [IDS[2], IDS[0]] } });
    expect(split.stored[0]!.digest.equals(contentDigest(split.expected[0]!))).toBe(true);
    expect((await verifyAuditLog(await t.ownerEm())).problems).toEqual([]);
  });

  it('writes nothing when nothing was shown', async () => {
    const { stored } = await writeAndExpect([]);
    expect(stored).toHaveLength(0);
  });

  it('agrees with AuditTrail for any records shown (repeated ids and owners included), and the chain verifies', async () => {
    const record = fc.record({ id: fc.constantFrom(...IDS), owners: fc.array(fc.constantFrom(...OWNERS), { minLength: 1, maxLength: 4 }) });
    await fc.assert(
      fc.asyncProperty(fc.array(record, { minLength: 1, maxLength: 6 }), fc.string({ unit: 'grapheme', maxLength: 12 }), async (shown, sub) => {
        const { stored, expected } = await writeAndExpect(shown, sub || 'x');
        const content = expected[0]!;
        expect(stored).toEqual([
          { resourceIds: content.resourceIds, ownerOrganisations: content.ownerOrganisations, resourceOwners: content.resourceOwners, digest: contentDigest(content) },
        ]);
      }),
      { numRuns: 60 },
    );
    expect((await verifyAuditLog(await t.ownerEm())).problems).toEqual([]);
  });
});
