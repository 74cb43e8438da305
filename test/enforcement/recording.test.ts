import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionInput, record } from '../support/enforcement.js';
import { belgianLocation, dutchLocation, freshKvk, registerProvider } from '../support/providers.js';
import { signalInput, submit } from '../support/signals.js';
import { Role, startTestApp, TestClock, type GraphQLClient, type TestApp } from '../support/test-app.js';
import { plan } from '../support/visits.js';

const RECORD_ID = `mutation Record($input: RecordEnforcementActionInput!) { recordEnforcementAction(input: $input) { enforcementAction { id } } }`;

describe('recording enforcement measures', () => {
  let t: TestApp;
  let igj: GraphQLClient;
  let amsterdamProvider: string;
  let utrechtProvider: string;
  let flemishProvider: string;
  let careProvider: string;

  beforeAll(async () => {
    t = await startTestApp({ clock: new TestClock('2026-12-01T09:00:00Z') });
    igj = await t.as('IGJ', [Role.ENFORCEMENT_OFFICER]);
    const planner = await t.as('IGJ', [Role.PLANNER]);
    amsterdamProvider = await registerProvider(planner, { kvkNumber: freshKvk(), sectors: ['WMO'], locations: [dutchLocation('GM0363')] });
    careProvider = await registerProvider(planner, { kvkNumber: freshKvk(), sectors: ['VERPLEEGHUIS'], locations: [dutchLocation('GM0363')] });
    utrechtProvider = await registerProvider(planner, { kvkNumber: freshKvk(), sectors: ['WMO'], locations: [dutchLocation('GM0344')] });
    flemishProvider = await registerProvider(await t.as('ZORGINSPECTIE', [Role.PLANNER]), {
      kboNumber: '0412345614',
      sectors: ['VERPLEEGHUIS'],
      locations: [belgianLocation()],
    });
  });
  afterAll(async () => t?.close());

  describe('type rules', () => {
    it('a BEVEL is valid 7 days from imposition and published on recording', async () => {
      const action = await record(igj, actionInput(amsterdamProvider, { type: 'BEVEL', imposedOn: '2026-11-30' }));
      expect(action).toMatchObject({ type: 'BEVEL', validUntil: '2026-12-07', published: true, status: 'ACTIVE' });
      expect(action.publishedAt).toBe('2026-12-01T09:00:00.000Z');
    });

    it('a VEILIGHEIDSMAATREGEL (Zorginspectie) is published only when Zorginspectie publishes it', async () => {
      const zorginspectie = await t.as('ZORGINSPECTIE', [Role.ENFORCEMENT_OFFICER]);
      const action = await record(zorginspectie, actionInput(flemishProvider, { type: 'VEILIGHEIDSMAATREGEL', legalBasis: 'Kwaliteitsdecreet art. 12' }));
      expect(action).toMatchObject({ type: 'VEILIGHEIDSMAATREGEL', published: false, validUntil: null });
    });

    it.each([
      ['AANWIJZING', true, { deadline: '2027-01-31' }],
      ['VERSCHERPT_TOEZICHT', true, {}],
      ['NORMOVERDRAGEND_GESPREK', false, {}],
      ['LAST_ONDER_DWANGSOM', false, { deadline: '2027-02-28' }],
      ['BESTUURLIJKE_BOETE', false, {}],
      ['TUCHTKLACHT', false, {}],
    ])('%s: published on recording = %s', async (type, published, extra) => {
      const action = await record(igj, actionInput(amsterdamProvider, { type, ...extra }));
      expect(action).toMatchObject({ type, published, validUntil: null });
    });

    it('an AANWIJZING and a LAST_ONDER_DWANGSOM need a deadline', async () => {
      for (const type of ['AANWIJZING', 'LAST_ONDER_DWANGSOM']) {
        const error = await igj.fails(RECORD_ID, { input: actionInput(amsterdamProvider, { type }) });
        expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.deadline' });
      }
    });
  });

  describe('who may record what', () => {
    const cases: Array<[string, Role[], string, string, string]> = [
      // organisation, roles, type, provider (by key), expected outcome
      ['IGJ', [Role.ENFORCEMENT_OFFICER], 'AANWIJZING', 'amsterdam', 'recorded'],
      ['NZA', [Role.ENFORCEMENT_OFFICER], 'BESTUURLIJKE_BOETE', 'amsterdam', 'recorded'],
      ['IJENV', [Role.ENFORCEMENT_OFFICER], 'AANWIJZING', 'amsterdam', 'recorded'],
      ['GM0363', [Role.ENFORCEMENT_OFFICER], 'LAST_ONDER_DWANGSOM', 'amsterdam', 'recorded'],
      ['GM0363', [Role.ENFORCEMENT_OFFICER], 'AANWIJZING', 'utrecht', 'BAD_USER_INPUT'], // outside its territory: as if it did not exist
      ['ZORGINSPECTIE', [Role.ENFORCEMENT_OFFICER], 'VEILIGHEIDSMAATREGEL', 'flemish', 'recorded'],
      ['ZORGINSPECTIE', [Role.ENFORCEMENT_OFFICER], 'AANWIJZING', 'flemish', 'FORBIDDEN'],
      ['IGJ', [Role.ENFORCEMENT_OFFICER], 'VEILIGHEIDSMAATREGEL', 'amsterdam', 'FORBIDDEN'],
      ['OM', [Role.ENFORCEMENT_OFFICER, Role.PROSECUTOR], 'BESTUURLIJKE_BOETE', 'amsterdam', 'FORBIDDEN'],
      ['IGJ', [Role.PLANNER, Role.COORDINATOR, Role.INSPECTOR, Role.INTAKE], 'AANWIJZING', 'amsterdam', 'FORBIDDEN'],
    ];
    it.each(cases)('%s %j recording a %s for the %s provider: %s', async (organisation, roles, type, key, expected) => {
      const providerId = { amsterdam: amsterdamProvider, utrecht: utrechtProvider, flemish: flemishProvider }[key]!;
      const input = actionInput(providerId, { type, deadline: '2027-03-01', legalBasis: type === 'VEILIGHEIDSMAATREGEL' ? 'Kwaliteitsdecreet art. 12' : 'Wkkgz art. 27' });
      const result = await (await t.as(organisation, roles)).request(RECORD_ID, { input });
      if (expected === 'recorded') expect(result.errors).toBeUndefined();
      else expect(result.errors?.[0]?.extensions?.code).toBe(expected);
      if (expected === 'BAD_USER_INPUT') expect(result.errors?.[0]?.extensions?.field).toBe('input.providerId');
    });
  });

  describe('bad input: a clear error naming the field, nothing written', () => {
    const count = async () => Number((await t.sql('select count(*) from enforcement_action'))[0]!.count);

    it.each([
      ['deadline before imposition', { deadline: '2026-10-01' }, 'input.deadline'],
      ['imposed in the future', { imposedOn: '2026-12-02' }, 'input.imposedOn'],
      ['free text as legal basis', { legalBasis: 'omdat het moest' }, 'input.legalBasis'],
      ['a legal basis naming a person', { legalBasis: 'Jan Jansen, BSN 111222333' }, 'input.legalBasis'],
      ['a malformed provider id', { providerId: 'niet-een-id' }, 'input.providerId'],
      ['a provider that does not exist', { providerId: '00000000-0000-7000-8000-000000000000' }, 'input.providerId'],
      ['a related signal that does not exist', { relatedSignalIds: ['00000000-0000-7000-8000-000000000001'] }, 'input.relatedSignalIds[0]'],
      ['a related visit that does not exist', { relatedVisitIds: ['00000000-0000-7000-8000-000000000002'] }, 'input.relatedVisitIds[0]'],
      ['a signal listed twice', { relatedSignalIds: ['00000000-0000-7000-8000-000000000001', '00000000-0000-7000-8000-000000000001'] }, 'input.relatedSignalIds'],
      ['too many related visits', { relatedVisitIds: Array.from({ length: 21 }, (_, i) => `00000000-0000-7000-8000-${String(i).padStart(12, '0')}`) }, 'input.relatedVisitIds'],
      ['notes too long', { notes: 'x'.repeat(4001) }, 'input.notes'],
    ])('%s', async (_name, overrides, field) => {
      const before = await count();
      const error = await igj.fails(RECORD_ID, { input: actionInput(amsterdamProvider, overrides) });
      expect(error.code).toBe('BAD_USER_INPUT');
      const fields = ((error.extensions?.problems as Array<{ field: string }>) ?? [{ field: error.field! }]).map((problem) => problem.field);
      expect(fields).toContain(field);
      expect(await count()).toBe(before);
    });

    it('accepts the legal bases supervisors write', async () => {
      for (const legalBasis of ['Wkkgz art. 27', 'Awb art. 5:32 lid 1', 'Wmo 2015 art. 6.3', 'Jeugdwet art. 9.4 onder b', 'Wet BIG art. 100a']) {
        expect((await record(igj, actionInput(amsterdamProvider, { legalBasis }))).legalBasis).toBe(legalBasis);
      }
    });

    it('an unknown type is refused by GraphQL itself', async () => {
      const result = await igj.request(RECORD_ID, { input: actionInput(amsterdamProvider, { type: 'GELDBOETE' }) });
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    });

    it('related signals and visits the caller cannot see answer like missing ones; about another provider they are refused', async () => {
      // A Wmo signal about the Utrecht provider, from GM0344: routed to nobody IGJ-related (IGJ does not supervise Wmo).
      const hidden = await submit(await t.as('GM0344', [Role.INTAKE]), signalInput({ providers: [{ id: utrechtProvider }] }));
      const missing = await igj.fails(RECORD_ID, { input: actionInput(utrechtProvider, { relatedSignalIds: [hidden.signal.id] }) });
      expect(missing).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.relatedSignalIds[0]' });
      expect(missing.message).toBe(`No signal with id ${hidden.signal.id} was found.`);

      const other = await submit(await t.as('NZA', [Role.INTAKE]), signalInput({ category: 'ZORGFRAUDE', providers: [{ id: utrechtProvider }] }));
      const wrongProvider = await igj.fails(RECORD_ID, { input: actionInput(amsterdamProvider, { relatedSignalIds: [other.signal.id] }) });
      expect(wrongProvider.message).toMatch(/does not concern the provider/);

      const visit = await plan(await t.as('IGJ', [Role.PLANNER]), { providerIds: [amsterdamProvider], start: new Date('2027-01-11T09:00:00Z') });
      const action = await record(igj, actionInput(amsterdamProvider, { relatedVisitIds: [visit.visit.id.toUpperCase()] }));
      expect(action.relatedVisits).toEqual([{ id: visit.visit.id }]);
    });
  });

  describe('AANGIFTE: a criminal report goes to the OM', () => {
    const withRoutings = `query($id: ID!) { enforcementAction(id: $id) { relatedSignals { id source { code } possibleCriminalOffence
      routings { recipient { code } ruleId status } } } }`;

    it('creates an OM routing for a related signal that has none', async () => {
      const { signal } = await submit(await t.as('NZA', [Role.INTAKE]), signalInput({ providers: [{ id: careProvider }] }));
      const action = await record(igj, actionInput(careProvider, { type: 'AANGIFTE', legalBasis: 'Sr art. 225', relatedSignalIds: [signal.id] }));
      expect(action.published).toBe(false);
      const { enforcementAction } = await igj.ok(withRoutings, { id: action.id });
      const routings = enforcementAction.relatedSignals[0].routings.map((routing: any) => [routing.recipient.code, routing.ruleId, routing.status]);
      expect(routings).toEqual([
        ['IGJ', 'IGJ-GEZONDHEIDSZORG', 'PENDING'],
        ['OM', 'OM-AANGIFTE', 'PENDING'],
      ]);
      // The OM now sees the signal and the report.
      const om = await t.as('OM', [Role.PROSECUTOR]);
      expect((await om.ok(`query($id: ID!) { signal(id: $id) { id } }`, { id: signal.id })).signal.id).toBe(signal.id);
      expect((await om.ok(`query($id: ID!) { enforcementAction(id: $id) { id notes } }`, { id: action.id })).enforcementAction).toEqual({ id: action.id, notes: null });
    });

    it('is audited to the organisations whose signal went to the OM', async () => {
      const { signal } = await submit(await t.as('NZA', [Role.INTAKE]), signalInput({ providers: [{ id: careProvider }] }));
      await record(igj, actionInput(careProvider, { type: 'AANGIFTE', legalBasis: 'Sr art. 225', relatedSignalIds: [signal.id] }));
      const [row] = await t.sql<{ owner_organisations: string[]; details: any }>(
        `select owner_organisations, details from audit_event where operation = 'recordEnforcementAction' and resource_type = 'Signal' and $1 = any(resource_ids)`,
        [signal.id],
      );
      expect(row!.owner_organisations).toEqual(['IGJ', 'NZA', 'OM']);
      expect(row!.details.reportedToOm).toHaveLength(1);
    });

    it('the database lets a recorder add only a proper OM-AANGIFTE routing to a signal it can see', async () => {
      const { signal } = await submit(await t.as('NZA', [Role.INTAKE]), signalInput({ providers: [{ id: careProvider }] }));
      const service = new (await import('pg')).default.Client({ connectionString: t.databaseUrl });
      await service.connect();
      const attempt = async (ruleId: string, dueAt: string) => {
        await service.query('begin');
        await service.query(`select set_config('app.organisation', 'IGJ', true)`);
        const outcome = await service
          .query(`insert into signal_routing (id, signal_id, recipient, rule_id, protocol_version, created_at, due_at) values (gen_random_uuid(), $1, 'OM', $2, '2026.3', now(), ${dueAt})`, [
            signal.id,
            ruleId,
          ])
          .then(() => 'written', (error: { code: string }) => error.code);
        await service.query('rollback');
        return outcome;
      };
      try {
        expect(await attempt('OM-AANGIFTE', `amsterdam_add_days(now(), 91)`)).toBe('written');
        expect(await attempt('OM-AANGIFTE', `now() - interval '1 day'`)).toBe('42501'); // already expired: would release una via
        expect(await attempt('OM-STRAFBAAR-FEIT', `amsterdam_add_days(now(), 91)`)).toBe('42501'); // only the submitter routes by the rules
      } finally {
        await service.end();
      }
    });

    it('links the OM routing a related signal already has, without a second one', async () => {
      const { signal, routings } = await submit(await t.as('NZA', [Role.INTAKE]), signalInput({ possibleCriminalOffence: true, providers: [{ id: careProvider }] }));
      const existing = routings.find((routing: any) => routing.recipient.code === 'OM');
      const action = await record(igj, actionInput(careProvider, { type: 'AANGIFTE', legalBasis: 'Sr art. 225', relatedSignalIds: [signal.id] }));
      const stored = await t.sql(`select id, rule_id from signal_routing where signal_id = $1 and recipient = 'OM'`, [signal.id]);
      expect(stored).toEqual([{ id: existing.id, rule_id: 'OM-STRAFBAAR-FEIT' }]);
      expect(action.relatedSignals).toEqual([{ id: signal.id }]);
    });

    it('without signals, makes a signal for its facts, routed to the OM only', async () => {
      const action = await record(igj, actionInput(careProvider, { type: 'AANGIFTE', legalBasis: 'Sr art. 225' }));
      const { enforcementAction } = await igj.ok(withRoutings, { id: action.id });
      expect(enforcementAction.relatedSignals).toEqual([
        { id: expect.any(String), source: { code: 'IGJ' }, possibleCriminalOffence: true, routings: [{ recipient: { code: 'OM' }, ruleId: 'OM-AANGIFTE', status: 'PENDING' }] },
      ]);
      // The routing is its own outbox row: the relay of the delivery worker's next round writes its event, once.
      await t.app.deliveries.relay();
      await t.app.deliveries.relay();
      const outbox = await t.sql(`select count(*)::int as count from event where type = 'SIGNAL_ROUTED' and organisation = 'OM' and resource_id = $1`, [
        enforcementAction.relatedSignals[0].id,
      ]);
      expect(outbox[0]!.count).toBe(1);
    });

    it('only for providers in the Netherlands: the Dutch OM does not prosecute a Flemish-only provider', async () => {
      const cross = await t.as('ZORGINSPECTIE', [Role.ENFORCEMENT_OFFICER]);
      expect((await cross.request(RECORD_ID, { input: actionInput(flemishProvider, { type: 'AANGIFTE', legalBasis: 'Sr art. 225' }) })).errors?.[0]?.extensions?.code).toBe(
        'FORBIDDEN',
      );
      // IGJ cannot see the Flemish provider at all, which answers like a missing one.
      const error = await igj.fails(RECORD_ID, { input: actionInput(flemishProvider, { type: 'AANGIFTE', legalBasis: 'Sr art. 225' }) });
      expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.providerId' });
    });
  });
});

describe('docs', () => {
  it('docs/enforcement.md shows exactly the type rules the code runs (regenerate with npm run docs:emit)', async () => {
    const { readFileSync } = await import('node:fs');
    const { renderEnforcementDoc } = await import('../../src/enforcement/index.js');
    const document = readFileSync('docs/enforcement.md', 'utf8');
    expect(document).toBe(renderEnforcementDoc(document));
  });
});
