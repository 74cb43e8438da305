import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../../src/access/roles.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { belgianLocation, dutchLocation, freshKvk, PROVIDER, PROVIDERS, registerProvider } from '../support/providers.js';
import { COORDINATE, dayAt, plan, RESPOND, VISIT, VISITS } from '../support/visits.js';
import { SIGNAL, SIGNALS, signalInput, submit } from '../support/signals.js';

/** The access matrix of docs/authorization.md, read as data: the document is the specification. */
type Cell = 'yes' | 'no' | 'detail' | 'planning' | 'week';
const CELLS: readonly Cell[] = ['yes', 'no', 'detail', 'planning', 'week'];

function readMatrix(): { organisations: string[]; rows: Array<{ record: string; level: string; cells: Cell[] }> } {
  const document = readFileSync('docs/authorization.md', 'utf8');
  const block = /<!-- matrix -->\n([\s\S]*?)\n<!-- end matrix -->/.exec(document)?.[1];
  if (!block) throw new Error('docs/authorization.md has no access matrix');
  const lines = block.split('\n').map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim()));
  const [header, , ...body] = lines;
  return {
    organisations: header!.slice(2),
    rows: body.map((cells) => ({
      record: cells[0]!,
      level: cells[1]!,
      cells: cells.slice(2).map((cell) => {
        if (!CELLS.includes(cell as Cell)) throw new Error(`matrix cell "${cell}" must be one of ${CELLS.join(', ')}`);
        return cell as Cell;
      }),
    })),
  };
}

/** How to create a record at each sharing level the matrix names. A new level needs a fixture here. */
const FIXTURES: Record<string, (t: TestApp) => Promise<string>> = {
  'provider|located in GM0363': async (t) =>
    registerProvider(await t.as('IGJ', [Role.PLANNER]), { kvkNumber: freshKvk(), locations: [dutchLocation('GM0363')] }),
  'provider|located only in GM0344': async (t) =>
    registerProvider(await t.as('IGJ', [Role.PLANNER]), { kvkNumber: freshKvk(), locations: [dutchLocation('GM0344')] }),
  'provider|Flemish: located only in Belgium': async (t) =>
    registerProvider(await t.as('ZORGINSPECTIE', [Role.PLANNER]), { kboNumber: '0678901218', locations: [belgianLocation()] }),
  'provider|cross-border: located in GM0744 and in Belgium': async (t) => {
    const kvkNumber = freshKvk();
    const id = await registerProvider(await t.as('IGJ', [Role.PLANNER]), { kvkNumber, locations: [dutchLocation('GM0744')] });
    await registerProvider(await t.as('ZORGINSPECTIE', [Role.PLANNER]), { kvkNumber, locations: [belgianLocation()] });
    return id;
  },
};

const base = new Date('2027-03-01T00:00:00Z');
const igjPlans = async (t: TestApp, providerId: string, options: { announced: boolean; sharedWith?: string[] }) =>
  (await plan(await t.as('IGJ', [Role.PLANNER, Role.COORDINATOR]), { providerIds: [providerId], start: dayAt(base, 2), themes: ['toets'], ...options })).visit.id;
const located = async (t: TestApp, municipality: string) =>
  registerProvider(await t.as('IGJ', [Role.PLANNER]), { kvkNumber: freshKvk(), locations: [dutchLocation(municipality)] });

Object.assign(FIXTURES, {
  'visit|announced, lead IGJ, provider located in GM0363': async (t: TestApp) => igjPlans(t, await located(t, 'GM0363'), { announced: true }),
  'visit|unannounced, lead IGJ, provider located in GM0363': async (t: TestApp) => igjPlans(t, await located(t, 'GM0363'), { announced: false }),
  'visit|unannounced, lead IGJ, provider located in GM0363, shared with GM0363': async (t: TestApp) =>
    igjPlans(t, await located(t, 'GM0363'), { announced: false, sharedWith: ['GM0363'] }),
  'visit|unannounced, lead IGJ, provider located only in GM0344': async (t: TestApp) => igjPlans(t, await located(t, 'GM0344'), { announced: false }),
  'visit|unannounced, joint: lead IGJ, NZA joined by accepting a merge': async (t: TestApp) => {
    const provider = await located(t, 'GM0363');
    const lead = await igjPlans(t, provider, { announced: false });
    const nza = await t.as('NZA', [Role.PLANNER, Role.COORDINATOR]);
    const theirs = (await plan(nza, { providerIds: [provider], start: dayAt(base, 4) })).visit.id;
    const coordinated = await (await t.as('IGJ', [Role.COORDINATOR])).ok(COORDINATE, { input: { leadVisitId: lead, visitIds: [theirs] } });
    await nza.ok(RESPOND, { input: { proposalId: coordinated.coordinateVisits.proposals[0].id, accept: true } });
    return lead;
  },
  'visit|announced, lead ZORGINSPECTIE, Flemish provider': async (t: TestApp) => {
    const zorginspectie = await t.as('ZORGINSPECTIE', [Role.PLANNER]);
    const provider = await registerProvider(zorginspectie, { kboNumber: '0876543270', locations: [belgianLocation()] });
    return (await plan(zorginspectie, { providerIds: [provider], start: dayAt(base, 2), themes: ['toets'] })).visit.id;
  },
  'visit|unannounced, lead ZORGINSPECTIE, cross-border provider': async (t: TestApp) => {
    const kvkNumber = freshKvk();
    await registerProvider(await t.as('IGJ', [Role.PLANNER]), { kvkNumber, locations: [dutchLocation('GM0744')] });
    const zorginspectie = await t.as('ZORGINSPECTIE', [Role.PLANNER]);
    const provider = await registerProvider(zorginspectie, { kvkNumber, locations: [belgianLocation()] });
    return (await plan(zorginspectie, { providerIds: [provider], start: dayAt(base, 2), themes: ['toets'], announced: false })).visit.id;
  },
});

const signalBy = async (t: TestApp, organisation: string, provider: string, overrides: Record<string, unknown>) =>
  (await submit(await t.as(organisation, [Role.INTAKE]), signalInput({ providers: [{ id: provider }], ...overrides }))).signal.id as string;

Object.assign(FIXTURES, {
  'provider|located in GM0344, named in a signal routed to the OM': async (t: TestApp) => {
    const provider = await located(t, 'GM0344');
    await signalBy(t, 'IGJ', provider, { possibleCriminalOffence: true });
    return provider;
  },
  'signal|submitted by NZA, possible criminal offence, nursing home in GM0363 (routed to OM and IGJ)': async (t: TestApp) =>
    signalBy(t, 'NZA', await located(t, 'GM0363'), { possibleCriminalOffence: true }),
  'signal|submitted by GM0363, Wmo provider in GM0363 and GM0344 (routed to GM0344)': async (t: TestApp) => {
    const provider = await registerProvider(await t.as('IGJ', [Role.PLANNER]), {
      kvkNumber: freshKvk(),
      sectors: ['WMO'],
      locations: [dutchLocation('GM0363'), dutchLocation('GM0344')],
    });
    return signalBy(t, 'GM0363', provider, {});
  },
  'signal|submitted by ZORGINSPECTIE, cross-border provider (routed to IGJ)': async (t: TestApp) => {
    const kvkNumber = freshKvk();
    await registerProvider(await t.as('IGJ', [Role.PLANNER]), { kvkNumber, locations: [dutchLocation('GM0744')] });
    const provider = await registerProvider(await t.as('ZORGINSPECTIE', [Role.PLANNER]), { kvkNumber, locations: [belgianLocation()] });
    return signalBy(t, 'ZORGINSPECTIE', provider, {});
  },
  'signal|submitted by IJENV, care fraud at a prison in GM0363 (routed to NZA and IGJ)': async (t: TestApp) => {
    const provider = await registerProvider(await t.as('IGJ', [Role.PLANNER]), {
      kvkNumber: freshKvk(),
      sectors: ['PENITENTIAIRE_INRICHTING'],
      locations: [dutchLocation('GM0363')],
    });
    return signalBy(t, 'IJENV', provider, { category: 'ZORGFRAUDE' });
  },
});

const READS: Record<string, { byId: string; list: string; listField: string }> = {
  provider: { byId: PROVIDER, list: PROVIDERS, listField: 'providers' },
  visit: { byId: VISIT, list: VISITS, listField: 'visits' },
  signal: { byId: SIGNAL, list: SIGNALS, listField: 'signals' },
};

/** What a successful read must show for the cell's view. */
function expectView(record: string, cell: Cell, data: any): void {
  if (record !== 'visit') return;
  const visit = data.visit;
  const expected = {
    detail: { detail: true, precision: 'EXACT', themes: expect.arrayContaining(['toets']) },
    planning: { detail: false, precision: 'EXACT', themes: [] },
    week: { detail: false, precision: 'WEEK', themes: [] },
  }[cell as 'detail' | 'planning' | 'week'];
  expect({ detail: visit.detail, precision: visit.window.precision, themes: visit.themes }).toEqual(expected);
}

describe('access matrix (docs/authorization.md)', () => {
  const matrix = readMatrix();
  let t: TestApp;
  const records = new Map<string, string>();

  beforeAll(async () => {
    t = await startTestApp();
    for (const row of matrix.rows) {
      const fixture = FIXTURES[`${row.record}|${row.level}`];
      if (!fixture) throw new Error(`no fixture for matrix row "${row.record} | ${row.level}"`);
      records.set(`${row.record}|${row.level}`, await fixture(t));
    }
  });
  afterAll(async () => t?.close());

  const cells = matrix.rows.flatMap((row) =>
    matrix.organisations.map((organisation, index) => ({ ...row, organisation, cell: row.cells[index]! })),
  );

  it.each(cells)('$record "$level" for $organisation: $cell', async ({ record, level, organisation, cell }) => {
    const id = records.get(`${record}|${level}`)!;
    const read = READS[record]!;
    // Reading needs no more than this; each organisation kind can hold one of these roles.
    const client = await t.as(organisation, [Role.INSPECTOR, Role.PROSECUTOR]);
    const single = await client.request(read.byId, { id });
    const listed = await client.request(read.list, { first: 100 });
    if (cell === 'no') {
      const code = single.errors?.[0]?.extensions?.code;
      expect(single.data?.[record] ?? null).toBeNull();
      if (code === 'FORBIDDEN') {
        expect(listed.errors?.[0]?.extensions?.code).toBe('FORBIDDEN'); // the organisation kind may not read this at all
      } else {
        expect(code).toBe('NOT_FOUND');
        expect(listed.data![read.listField].edges.map((edge: any) => edge.node.id)).not.toContain(id);
      }
    } else {
      expect(single.errors).toBeUndefined();
      expectView(record, cell, single.data);
      expect(listed.data![read.listField].edges.map((edge: any) => edge.node.id)).toContain(id);
    }
  });
});
