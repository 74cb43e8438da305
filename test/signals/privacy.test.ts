import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/platform/logging.js';
import { Role, startTestApp, TestClock, type GraphQLClient, type TestApp } from '../support/test-app.js';
import { dutchLocation, freshKvk, registerProvider } from '../support/providers.js';
import { SIGNAL, signalInput, submit, SUBMIT_SIGNAL, SUBMIT_SIGNALS } from '../support/signals.js';

// Valid BSNs (they pass the 11-proef) used only in this test; none may ever be found stored, logged or audited.
const BSNS = ['111222333', '123456782', '999999990'];

describe('a BSN never appears in plain text', () => {
  let t: TestApp;
  let intake: GraphQLClient;
  let kvkNumber: string;
  const log: string[] = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        log.push(String(chunk));
        done();
      },
    });
    t = await startTestApp({ clock: new TestClock('2026-11-23T10:00:00Z'), logger: createLogger('trace', sink) });
    intake = await t.as('IGJ', [Role.INTAKE], 'intake@igj');
    kvkNumber = freshKvk();
    await registerProvider(await t.as('IGJ', [Role.PLANNER]), { kvkNumber, sectors: ['GGZ'], locations: [dutchLocation('GM0363')] });
  });
  afterAll(async () => t?.close());

  it('stores a pseudonym that links signals about the same person, for those who may see them', async () => {
    const first = await submit(intake, signalInput({ providers: [{ kvkNumber }], subjectBsn: BSNS[0] }));
    const second = await submit(intake, signalInput({ providers: [{ kvkNumber }], subjectBsn: BSNS[0] }));
    const other = await submit(intake, signalInput({ providers: [{ kvkNumber }], subjectBsn: BSNS[1] }));
    const { submitSignals } = await (await t.as('NZA', [Role.INTEGRATION])).ok(SUBMIT_SIGNALS, {
      input: [signalInput({ providers: [{ kvkNumber }], subjectBsn: BSNS[0] }), signalInput({ providers: [{ kvkNumber }], subjectBsn: BSNS[2] })],
    });
    expect(submitSignals.created).toBe(2);
    const { signal } = await intake.ok(SIGNAL, { id: first.signal.id });
    expect(signal.hasSubject).toBe(true);
    // The NZa's signal about the same person is routed to IGJ (health care), so IGJ sees the link too.
    expect(signal.relatedSignals.map((related: any) => related.id).sort()).toEqual([second.signal.id, submitSignals.results[0].signal.id].sort());
    expect(signal.relatedSignals.map((related: any) => related.id)).not.toContain(other.signal.id);
    // An organisation with no part in the first signal sees no link to it.
    const nzaView = await (await t.as('NZA', [Role.INTEGRATION])).ok(SIGNAL, { id: submitSignals.results[0].signal.id });
    expect(nzaView.signal.relatedSignals).toEqual([]);
  });

  it('is never repeated in an error, whatever is wrong with it', async () => {
    for (const input of [
      signalInput({ providers: [{ kvkNumber }], subjectBsn: '123456789' }),
      signalInput({ providers: [{ kvkNumber: '1' }], subjectBsn: BSNS[1] }),
    ]) {
      const result = await intake.request(SUBMIT_SIGNAL, { input });
      expect(JSON.stringify(result)).not.toMatch(/123456789|123456782/);
    }
    const typed = await intake.request(SUBMIT_SIGNAL, { input: { ...signalInput({ providers: [{ kvkNumber }] }), subjectBsn: 123456782 } });
    expect(typed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(typed)).not.toContain('123456782');
  });

  it('is nowhere in the database (a full dump), the logs or the audit log', async () => {
    const tables = await t.sql<{ name: string }>(`select table_name as name from information_schema.tables where table_schema = 'public'`);
    expect(tables.map((table) => table.name)).toEqual(expect.arrayContaining(['signal', 'audit_event', 'event']));
    let dump = '';
    for (const { name } of tables) {
      const rows = await t.sql<{ row: string }>(`select t::text as row from "${name}" t`);
      dump += rows.map((row) => row.row).join('\n');
    }
    expect(dump.length).toBeGreaterThan(1000);
    for (const bsn of BSNS) {
      expect(dump).not.toContain(bsn);
      // nor in hexadecimal or base64 form
      expect(dump).not.toContain(Buffer.from(bsn).toString('hex'));
      expect(dump).not.toContain(Buffer.from(bsn).toString('base64'));
    }
    const logged = log.join('');
    expect(logged.length).toBeGreaterThan(1000);
    for (const bsn of BSNS) expect(logged).not.toContain(bsn);
    const audit = await t.sql<{ row: string }>('select e::text as row from audit_event e');
    expect(audit.length).toBeGreaterThan(3);
    for (const bsn of BSNS) expect(audit.map((row) => row.row).join('\n')).not.toContain(bsn);
  });
});
