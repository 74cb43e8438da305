import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION, ACTIONS, actionInput, PUBLIC_ACTIONS, PUBLISH, record, UPDATE_STATUS } from '../support/enforcement.js';
import { dutchLocation, freshKvk, registerProvider } from '../support/providers.js';
import { Role, startTestApp, TestClock, type GraphQLClient, type TestApp } from '../support/test-app.js';

describe('publishing and changing measures', () => {
  let t: TestApp;
  let igj: GraphQLClient;
  let provider: string;

  beforeAll(async () => {
    t = await startTestApp({ clock: new TestClock('2026-12-01T09:00:00Z') });
    igj = await t.as('IGJ', [Role.ENFORCEMENT_OFFICER]);
    provider = await registerProvider(await t.as('IGJ', [Role.PLANNER]), { kvkNumber: freshKvk(), sectors: ['GGZ'], locations: [dutchLocation('GM0363')] });
  });
  afterAll(async () => t?.close());

  const publicIds = async () => ((await t.anonymous().ok(PUBLIC_ACTIONS, { first: 100 })).publicEnforcementActions.edges as any[]).map((edge) => edge.node.id);

  it('a measure not published on recording is published with publishEnforcementAction, once, and the audit records it', async () => {
    const action = await record(igj, actionInput(provider, { type: 'LAST_ONDER_DWANGSOM', deadline: '2027-02-01' }));
    expect(await publicIds()).not.toContain(action.id);
    const { publishEnforcementAction } = await igj.ok(PUBLISH, { input: { enforcementActionId: action.id } });
    expect(publishEnforcementAction.enforcementAction).toMatchObject({ published: true, publishedAt: '2026-12-01T09:00:00.000Z' });
    expect(await publicIds()).toContain(action.id);

    const twice = await igj.fails(PUBLISH, { input: { enforcementActionId: action.id } });
    expect(twice).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.enforcementActionId' });
    expect(twice.message).toMatch(/already published \(2026-12-01\)/);
    const audit = await t.sql(`select actor_organisation, outcome, resource_ids from audit_event where operation = 'publishEnforcementAction' order by id`);
    expect(audit).toEqual([
      { actor_organisation: 'IGJ', outcome: 'SUCCESS', resource_ids: [action.id] },
      { actor_organisation: 'IGJ', outcome: 'BAD_USER_INPUT', resource_ids: [] },
    ]);
    const told = await t.sql(`select distinct type from event where resource_id = $1 order by 1`, [action.id]);
    expect(told.map((row) => row.type)).toEqual(['ENFORCEMENT_PUBLISHED', 'ENFORCEMENT_RECORDED']);
  });

  it('a measure published on recording cannot be published again; an AANGIFTE is never published', async () => {
    const bevel = await record(igj, actionInput(provider, { type: 'BEVEL' }));
    expect((await igj.fails(PUBLISH, { input: { enforcementActionId: bevel.id } })).message).toMatch(/already published/);
    const aangifte = await record(igj, actionInput(provider, { type: 'AANGIFTE', legalBasis: 'Sr art. 225' }));
    expect((await igj.fails(PUBLISH, { input: { enforcementActionId: aangifte.id } })).message).toMatch(/not published here/);
  });

  it('only the recording organisation publishes or changes a measure; others who see it are refused, others not', async () => {
    const action = await record(igj, actionInput(provider));
    const nza = await t.as('NZA', [Role.ENFORCEMENT_OFFICER]);
    expect((await nza.fails(PUBLISH, { input: { enforcementActionId: action.id } })).code).toBe('FORBIDDEN');
    expect((await nza.fails(UPDATE_STATUS, { input: { enforcementActionId: action.id, status: 'COMPLIED' } })).code).toBe('FORBIDDEN');
    const utrecht = await t.as('GM0344', [Role.ENFORCEMENT_OFFICER]);
    expect((await utrecht.fails(PUBLISH, { input: { enforcementActionId: action.id } })).code).toBe('NOT_FOUND');
    expect((await igj.ok(ACTION, { id: action.id })).enforcementAction.published).toBe(false);
  });

  it('status changes are appended to the history; a withdrawal needs a reason and is final; notes of changes are the recorder’s', async () => {
    const action = await record(igj, actionInput(provider, { type: 'AANWIJZING', deadline: '2027-01-15' }));
    const complied = await igj.ok(UPDATE_STATUS, { input: { enforcementActionId: action.id, status: 'COMPLIED', note: 'maatregelen genomen' } });
    expect(complied.updateEnforcementActionStatus.enforcementAction.status).toBe('COMPLIED');
    expect((await igj.fails(UPDATE_STATUS, { input: { enforcementActionId: action.id, status: 'WITHDRAWN' } })).field).toBe('input.note');
    await igj.ok(UPDATE_STATUS, { input: { enforcementActionId: action.id, status: 'WITHDRAWN', note: 'na bezwaar ingetrokken' } });
    const after = await igj.fails(UPDATE_STATUS, { input: { enforcementActionId: action.id, status: 'COMPLIED', note: 'toch' } });
    expect(after.message).toMatch(/withdrawn; it does not change/);

    const told = await t.sql(`select type, count(*)::int as count from event where resource_id = $1 and organisation = 'NZA' group by type order by 1`, [action.id]);
    expect(told).toEqual([
      { type: 'ENFORCEMENT_PUBLISHED', count: 1 },
      { type: 'ENFORCEMENT_RECORDED', count: 1 },
      { type: 'ENFORCEMENT_STATUS_CHANGED', count: 2 },
    ]);
    const { enforcementAction } = await igj.ok(ACTION, { id: action.id });
    expect(enforcementAction.history).toEqual([
      { status: 'ACTIVE', note: null, changedBy: { code: 'IGJ' } },
      { status: 'COMPLIED', note: 'maatregelen genomen', changedBy: { code: 'IGJ' } },
      { status: 'WITHDRAWN', note: 'na bezwaar ingetrokken', changedBy: { code: 'IGJ' } },
    ]);
    const partner = (await (await t.as('NZA', [Role.INSPECTOR])).ok(ACTION, { id: action.id })).enforcementAction;
    expect(partner.history.map((entry: any) => entry.note)).toEqual([null, null, null]);
    // What was recorded stays as it was.
    expect(enforcementAction).toMatchObject({ type: 'AANWIJZING', legalBasis: 'Wkkgz art. 27', deadline: '2027-01-15', imposedOn: '2026-11-02' });
  });

  it('a withdrawn published measure stays public, reading WITHDRAWN; a withdrawn one is not published later', async () => {
    const published = await record(igj, actionInput(provider, { type: 'VERSCHERPT_TOEZICHT' }));
    await igj.ok(UPDATE_STATUS, { input: { enforcementActionId: published.id, status: 'WITHDRAWN', note: 'ingetrokken' } });
    const { publicEnforcementActions } = await t.anonymous().ok(PUBLIC_ACTIONS, { filter: { providerId: provider, status: 'WITHDRAWN' } });
    expect(publicEnforcementActions.edges.map((edge: any) => [edge.node.id, edge.node.status])).toContainEqual([published.id, 'WITHDRAWN']);

    const unpublished = await record(igj, actionInput(provider));
    await igj.ok(UPDATE_STATUS, { input: { enforcementActionId: unpublished.id, status: 'WITHDRAWN', note: 'ingetrokken' } });
    expect((await igj.fails(PUBLISH, { input: { enforcementActionId: unpublished.id } })).message).toMatch(/withdrawn measure is not published/);
  });

  it('ACTIVE and LAPSED are not set by hand; the same status twice is refused', async () => {
    const action = await record(igj, actionInput(provider));
    for (const status of ['ACTIVE', 'LAPSED']) {
      expect((await igj.fails(UPDATE_STATUS, { input: { enforcementActionId: action.id, status } })).field).toBe('input.status');
    }
    await igj.ok(UPDATE_STATUS, { input: { enforcementActionId: action.id, status: 'COMPLIED' } });
    expect((await igj.fails(UPDATE_STATUS, { input: { enforcementActionId: action.id, status: 'COMPLIED' } })).field).toBe('input.status');
  });

  it('a BEVEL past its validUntil reads LAPSED without anyone changing it, in every path', async () => {
    const bevel = await record(igj, actionInput(provider, { type: 'BEVEL', imposedOn: '2026-11-24' }));
    expect(bevel).toMatchObject({ validUntil: '2026-12-01', status: 'ACTIVE' }); // its last valid day is today
    t.clock.set('2026-12-01T22:59:00Z'); // 23:59 on 1 December in Amsterdam: its last valid minute
    try {
      const still = await t.as('IGJ', [Role.ENFORCEMENT_OFFICER]);
      expect((await still.ok(ACTION, { id: bevel.id })).enforcementAction.status).toBe('ACTIVE');
      t.clock.set('2026-12-01T23:30:00Z'); // 00:30 on 2 December in Amsterdam
      const late = await t.as('IGJ', [Role.ENFORCEMENT_OFFICER]);
      expect((await late.ok(ACTION, { id: bevel.id })).enforcementAction.status).toBe('LAPSED');
      const lapsed = await late.ok(ACTIONS, { filter: { status: 'LAPSED', providerId: provider } });
      expect(lapsed.enforcementActions.edges.map((edge: any) => edge.node.id)).toContain(bevel.id);
      expect(new Set(lapsed.enforcementActions.edges.map((edge: any) => [edge.node.type, edge.node.status].join()))).toEqual(new Set(['BEVEL,LAPSED']));
      const stored = await t.sql('select status from enforcement_action_status where enforcement_action_id = $1', [bevel.id]);
      expect(stored).toEqual([{ status: 'ACTIVE' }]);
      // A lapsed order can still be marked complied.
      await late.ok(UPDATE_STATUS, { input: { enforcementActionId: bevel.id, status: 'COMPLIED' } });
    } finally {
      t.clock.set('2026-12-01T09:00:00Z');
    }
  });

  it('the database refuses to rewrite a measure or its history, even for the service itself', async () => {
    const action = await record(igj, actionInput(provider));
    const service = new (await import('pg')).default.Client({ connectionString: t.databaseUrl });
    await service.connect();
    try {
      for (const statement of [
        `update enforcement_action set legal_basis = 'Wkkgz art. 1' where id = '${action.id}'`,
        `update enforcement_action set notes = 'anders' where id = '${action.id}'`,
        `update enforcement_action_status set status = 'COMPLIED' where enforcement_action_id = '${action.id}'`,
        `delete from enforcement_action_status where enforcement_action_id = '${action.id}'`,
        `delete from enforcement_action where id = '${action.id}'`,
      ]) {
        const error = await service.query(statement).then(() => undefined, (caught: { code: string }) => caught.code);
        expect(error, statement).toBe('42501');
      }
    } finally {
      await service.end();
    }
  });
});
