import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role, startTestApp, TestClock, type GraphQLClient, type TestApp } from '../support/test-app.js';
import { belgianLocation, dutchLocation, freshKvk, REGISTER_PROVIDER } from '../support/providers.js';
import { signalInput, submit, SUBMIT_SIGNAL, SUBMIT_SIGNALS } from '../support/signals.js';

describe('submitting signals', () => {
  let t: TestApp;
  let nza: GraphQLClient;
  let kvkNumber: string;
  let providerId: string;
  let agbCode: string;

  beforeAll(async () => {
    t = await startTestApp({ clock: new TestClock('2026-11-23T10:00:00Z') });
    nza = await t.as('NZA', [Role.INTEGRATION], 'ikz-koppeling@nza');
    kvkNumber = freshKvk();
    agbCode = '47110815';
    const igj = await t.as('IGJ', [Role.PLANNER]);
    const data = await igj.ok(REGISTER_PROVIDER, {
      input: { name: 'Thuiszorg Fraudetest', kvkNumber, agbCode, sectors: ['THUISZORG'], locations: [dutchLocation('GM0363')] },
    });
    providerId = data.registerProvider.provider.id;
  });
  afterAll(async () => t?.close());

  it('creates a signal, names its providers by KvK, AGB or id, and routes it', async () => {
    for (const ref of [{ kvkNumber }, { agbCode }, { id: providerId }]) {
      const result = await submit(nza, signalInput({ category: 'ZORGFRAUDE', possibleCriminalOffence: true, providers: [ref] }));
      expect(result.duplicate).toBe(false);
      expect(result.signal).toMatchObject({ source: { code: 'NZA' }, providers: [{ id: providerId }], status: 'OPEN', hasSubject: false });
      expect(result.routings.map((routing) => [routing.recipient.code, routing.ruleId]).sort()).toEqual([
        ['IGJ', 'NZA-IGJ-ZORGFRAUDE'],
        ['OM', 'OM-STRAFBAAR-FEIT'],
      ]);
      const om = result.routings.find((routing) => routing.recipient.code === 'OM');
      // Received on 23 November 2026: routed by the rule set valid that day (2026.1), not by a later one.
      expect(om).toMatchObject({ status: 'PENDING', protocolVersion: '2026.1', dueAt: '2027-02-22T10:00:00.000Z' }); // 13 weeks, same Dutch time
    }
  });

  it('routes each signal by the rule set valid on the Dutch day of its receipt', async () => {
    const started = t.clock.now().toISOString();
    try {
      const routed = async (at: string) => {
        t.clock.set(at);
        const intake = await t.as('NZA', [Role.INTAKE]);
        const result = await submit(intake, signalInput({ category: 'ONBEVOEGD_HANDELEN', providers: [{ kvkNumber }] }));
        return Object.fromEntries(result.routings.map((routing) => [routing.recipient.code, `${routing.protocolVersion}/${routing.ruleId}`]));
      };
      // 23:59 on 30 November in Amsterdam: rule set 2026.2, which still sent this category to the OM.
      expect(await routed('2026-11-30T22:59:00Z')).toEqual({ OM: '2026.2/OM-STRAFBARE-CATEGORIE', IGJ: '2026.2/IGJ-GEZONDHEIDSZORG' });
      // Midnight, 1 December in Amsterdam (still 30 November in UTC): 2026.3, where no category alone goes to the OM.
      expect(await routed('2026-11-30T23:00:00Z')).toEqual({ IGJ: '2026.3/IGJ-GEZONDHEIDSZORG' });
    } finally {
      t.clock.set(started);
    }
  });

  describe('is idempotent on (submitter, externalId)', () => {
    it('the same content again answers with the same signal, marked duplicate, and routes nothing twice', async () => {
      const input = signalInput({ providers: [{ kvkNumber }] });
      const first = await submit(nza, input);
      const again = await submit(nza, { ...input, providers: [{ id: providerId }] }); // the same provider, named differently
      expect(again).toMatchObject({ duplicate: true, signal: { id: first.signal.id } });
      const [{ signals, routings }] = await t.sql(
        `select count(distinct s.id)::int as signals, count(r.id)::int as routings from signal s left join signal_routing r on r.signal_id = s.id
         where s.external_id = $1`,
        [input.externalId],
      );
      expect({ signals, routings }).toEqual({ signals: 1, routings: first.routings.length });
    });

    it('the same externalId with other content is a CONFLICT', async () => {
      const input = signalInput({ providers: [{ kvkNumber }] });
      await submit(nza, input);
      const error = await nza.fails(SUBMIT_SIGNAL, { input: { ...input, summary: 'Iets anders' } });
      expect(error.code).toBe('CONFLICT');
    });

    it('another organisation may use the same externalId', async () => {
      const input = signalInput({ providers: [{ kvkNumber }] });
      const mine = await submit(nza, input);
      const theirs = await submit(await t.as('IGJ', [Role.INTAKE]), input);
      expect(theirs.signal.id).not.toBe(mine.signal.id);
    });

    it('50 simultaneous identical submissions give one signal, one set of routings and the same id everywhere', async () => {
      const input = signalInput({ category: 'ZORGFRAUDE', possibleCriminalOffence: true, providers: [{ kvkNumber }] });
      const results = await Promise.all(Array.from({ length: 50 }, () => nza.request(SUBMIT_SIGNAL, { input })));
      for (const result of results) expect(result.errors).toBeUndefined();
      const ids = new Set(results.map((result) => (result.data as any).submitSignal.signal.id));
      expect(ids.size).toBe(1);
      expect(results.filter((result) => !(result.data as any).submitSignal.duplicate)).toHaveLength(1);
      // Each routing is its own outbox row; the delivery worker's relay writes its SIGNAL_ROUTED event once.
      await t.app.deliveries.relay();
      const [{ signals, routings, outbox }] = await t.sql(
        `select (select count(*)::int from signal where external_id = $1) as signals,
                (select count(*)::int from signal_routing r join signal s on s.id = r.signal_id where s.external_id = $1) as routings,
                (select count(*)::int from event o join signal s on s.id = o.resource_id where o.type = 'SIGNAL_ROUTED' and s.external_id = $1) as outbox`,
        [input.externalId],
      );
      expect({ signals, routings, outbox }).toEqual({ signals: 1, routings: 2, outbox: 2 });
    });
  });

  describe('in bulk', () => {
    it('keeps the valid items, reports duplicates and errors per item', async () => {
      const existing = signalInput({ providers: [{ kvkNumber }] });
      await submit(nza, existing);
      const fresh = signalInput({ providers: [{ kvkNumber }] });
      const items = [
        fresh,
        existing, // already there: DUPLICATE
        { ...existing, summary: 'Andere inhoud' }, // same externalId, other content: CONFLICT
        signalInput({ providers: [{ kvkNumber: '1234' }] }), // invalid KvK
        signalInput({ providers: [{ kvkNumber: '99999999' }] }), // unknown provider
        fresh, // repeated within the call: DUPLICATE of the first
        signalInput({ providers: [{ kvkNumber }], subjectBsn: '123456789' }), // fails the 11-proef
        signalInput({ providers: [{ kvkNumber }], occurredAt: '2030-01-01T00:00:00Z' }),
        signalInput({ providers: [{ kvkNumber, agbCode }] }), // two keys in one reference
      ];
      const { submitSignals } = await nza.ok(SUBMIT_SIGNALS, { input: items });
      expect(submitSignals.results.map((result: any) => [result.outcome, result.error?.code ?? null, result.error?.field ?? null])).toEqual([
        ['CREATED', null, null],
        ['DUPLICATE', null, null],
        ['ERROR', 'CONFLICT', 'externalId'],
        ['ERROR', 'BAD_USER_INPUT', 'input[3].providers[0].kvkNumber'],
        ['ERROR', 'BAD_USER_INPUT', 'input[4].providers[0].kvkNumber'],
        ['DUPLICATE', null, null],
        ['ERROR', 'BAD_USER_INPUT', 'input[6].subjectBsn'],
        ['ERROR', 'BAD_USER_INPUT', 'input[7].occurredAt'],
        ['ERROR', 'BAD_USER_INPUT', 'input[8].providers[0]'],
      ]);
      expect(submitSignals.results[5].signal.id).toBe(submitSignals.results[0].signal.id);
      expect(submitSignals).toMatchObject({ created: 1, duplicates: 2, errors: 6 });
      const stored = await t.sql('select count(*)::int as n from signal where external_id = $1', [fresh.externalId]);
      expect(stored).toEqual([{ n: 1 }]);
    });

    it('takes up to 1,000 signals in one call, and refuses more or none', async () => {
      const many = Array.from({ length: 1000 }, () => signalInput({ providers: [{ kvkNumber }] }));
      const { submitSignals } = await nza.ok(SUBMIT_SIGNALS, { input: many });
      expect(submitSignals.created).toBe(1000);
      const [{ n }] = await t.sql('select count(*)::int as n from signal_routing r join signal s on s.id = r.signal_id where s.external_id = any($1)', [
        many.map((item) => item.externalId),
      ]);
      expect(n).toBe(1000); // IGJ-GEZONDHEIDSZORG each
      expect((await nza.fails(SUBMIT_SIGNALS, { input: [...many, signalInput({ providers: [{ kvkNumber }] })] })).code).toBe('BAD_USER_INPUT');
      expect((await nza.fails(SUBMIT_SIGNALS, { input: [] })).code).toBe('BAD_USER_INPUT');
    });
  });

  describe('rejects bad input with BAD_USER_INPUT naming the field', () => {
    it.each([
      ['empty externalId', { externalId: ' ' }, 'input.externalId'],
      ['no providers', { providers: [] }, 'input.providers'],
      ['a reference with no key', { providers: [{}] }, 'input.providers[0]'],
      ['a KBO number failing mod 97', { providers: [{ kboNumber: '0412345615' }] }, 'input.providers[0].kboNumber'],
      ['a malformed provider id', { providers: [{ id: 'abc' }] }, 'input.providers[0].id'],
      ['an unknown provider id', { providers: [{ id: randomUUID() }] }, 'input.providers[0].id'],
      ['the same provider twice', () => ({ providers: [{ kvkNumber }, { kvkNumber }] }), 'input.providers'],
      ['an empty summary', { summary: '' }, 'input.summary'],
      ['an oversized summary', { summary: 'x'.repeat(4001) }, 'input.summary'],
      ['a BSN failing the 11-proef', { subjectBsn: '123456789' }, 'input.subjectBsn'],
      ['a BSN of 8 digits', { subjectBsn: '12345678' }, 'input.subjectBsn'],
      ['an occurrence in the future', { occurredAt: '2027-01-01T00:00:00Z' }, 'input.occurredAt'],
      ['an unknown category', { category: 'ROOKMELDING' }, 'input.category'],
    ])('%s', async (_name, overrides, field) => {
      const values = typeof overrides === 'function' ? overrides() : overrides;
      const error = await nza.fails(SUBMIT_SIGNAL, { input: signalInput({ providers: [{ kvkNumber }], ...values }) });
      expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field });
    });

    it('names only providers within reach', async () => {
      const flemish = await (await t.as('ZORGINSPECTIE', [Role.PLANNER])).ok(REGISTER_PROVIDER, {
        input: { name: 'Vlaams', kboNumber: '0412345614', sectors: ['VERPLEEGHUIS'], locations: [belgianLocation()] },
      });
      const error = await nza.fails(SUBMIT_SIGNAL, { input: signalInput({ providers: [{ kboNumber: '0412345614' }] }) });
      expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.providers[0].kboNumber' });
      expect(error.message).toBe('No provider with KBO number 0412345614 was found.');
      expect(flemish.registerProvider.created).toBe(true);
    });

    it('for submitters only: a planner or the OM cannot submit', async () => {
      for (const client of [await t.as('IGJ', [Role.PLANNER]), await t.as('OM', [Role.PROSECUTOR, Role.INTAKE])]) {
        expect((await client.fails(SUBMIT_SIGNAL, { input: signalInput({ providers: [{ kvkNumber }] }) })).code).toBe('FORBIDDEN');
      }
    });

    it('property: arbitrary submitSignal input never causes an internal error', async () => {
      const text = fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom(kvkNumber, '123456782', '0412345614', agbCode, ''));
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            externalId: fc.string({ maxLength: 30 }),
            category: fc.constantFrom('KLACHT', 'ZORGFRAUDE', 'CALAMITEIT'),
            severity: fc.constantFrom('LOW', 'CRITICAL'),
            possibleCriminalOffence: fc.boolean(),
            providers: fc.array(fc.record({ kvkNumber: fc.option(text), agbCode: fc.option(text), id: fc.option(fc.oneof(fc.uuid(), text)) }), { maxLength: 3 }),
            occurredAt: fc.date({ min: new Date('1800-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }),
            summary: text,
            subjectBsn: fc.option(fc.oneof(text, fc.constantFrom('111222333', '000000000'))),
          }),
          async (input) => {
            const result = await nza.request(SUBMIT_SIGNAL, { input: { ...input, occurredAt: input.occurredAt.toISOString() } });
            expect(result.status).toBeLessThan(500);
            expect([undefined, 'BAD_USER_INPUT', 'CONFLICT']).toContain(result.errors?.[0]?.extensions?.code);
          },
        ),
        { numRuns: 80 },
      );
    });
  });
});
