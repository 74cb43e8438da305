import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { organisationKindOf } from '../../src/access/organisations.js';
import { ACTIONS, type Action, type ActionRule } from '../../src/access/policy.js';
import { ALL_ROLES, Role } from '../../src/access/roles.js';
import { startTestApp, type GraphQLClient, type TestApp } from '../support/test-app.js';
import { belgianLocation, dutchLocation, freshKvk, PROVIDER, PROVIDERS, REGISTER_PROVIDER, registerProvider } from '../support/providers.js';

/** The access matrix of docs/authorization.md, read as data: the document is the specification. */
function readMatrix(): { organisations: string[]; rows: Array<{ record: string; level: string; cells: boolean[] }> } {
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
        if (cell !== 'yes' && cell !== 'no') throw new Error(`matrix cell "${cell}" must be yes or no`);
        return cell === 'yes';
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

const READS: Record<string, { byId: string; list: string; listField: string }> = {
  provider: { byId: PROVIDER, list: PROVIDERS, listField: 'providers' },
};

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
    matrix.organisations.map((organisation, index) => ({ ...row, organisation, allowed: row.cells[index]! })),
  );

  it.each(cells)('$record "$level" for $organisation: $allowed', async ({ record, level, organisation, allowed }) => {
    const id = records.get(`${record}|${level}`)!;
    const read = READS[record]!;
    // Any role may read within reach; use one that every kind can hold.
    const client = await t.as(organisation, [Role.INSPECTOR, Role.PROSECUTOR]);
    const single = await client.request(read.byId, { id });
    const listed = await client.ok(read.list, { first: 100 });
    const ids = listed[read.listField].edges.map((edge: any) => edge.node.id);
    if (allowed) {
      expect(single.errors).toBeUndefined();
      expect(ids).toContain(id);
    } else {
      expect(single.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      expect(ids).not.toContain(id);
    }
  });
});

/** One operation per action, to try with every role and organisation kind. */
const SAMPLES: Record<Action, { query: string; variables?: (organisation: string) => Record<string, unknown> }> = {
  'organisation.list': { query: '{ organisations { code } }' },
  'provider.read': { query: '{ providers { totalCount } }' },
  'provider.register': {
    query: REGISTER_PROVIDER,
    variables: (organisation) => ({
      input: {
        name: 'Rolproef',
        sectors: ['WMO'],
        ...(organisation === 'ZORGINSPECTIE'
          ? { kboNumber: '0234567873', locations: [belgianLocation()] }
          : { kvkNumber: freshKvk(), locations: [dutchLocation(organisation.startsWith('GM') ? organisation : 'GM0363')] }),
      },
    }),
  },
  'audit.read': { query: '{ auditEvents { totalCount } }' },
};

describe('actions by role and organisation kind (policy.ts, documented in docs/authorization.md)', () => {
  let t: TestApp;
  let clients: Map<string, GraphQLClient>;
  const organisations = ['IGJ', 'NZA', 'GM0363', 'OM', 'ZORGINSPECTIE'];

  beforeAll(async () => {
    t = await startTestApp();
    clients = new Map();
    for (const organisation of organisations) {
      for (const role of ALL_ROLES) clients.set(`${organisation}|${role}`, await t.as(organisation, [role]));
    }
  });
  afterAll(async () => t?.close());

  const cases = (Object.entries(ACTIONS) as Array<[Action, ActionRule]>).flatMap(([action, rule]) =>
    organisations.flatMap((organisation) =>
      ALL_ROLES.map((role) => ({
        action,
        organisation,
        role,
        allowed: rule.roles.includes(role) && rule.kinds.includes(organisationKindOf(organisation)!),
      })),
    ),
  );

  it.each(cases)('$action by $organisation $role: allowed=$allowed', async ({ action, organisation, role, allowed }) => {
    const sample = SAMPLES[action];
    const result = await clients.get(`${organisation}|${role}`)!.request(sample.query, sample.variables?.(organisation));
    const code = result.errors?.[0]?.extensions?.code;
    if (allowed) expect(code).not.toBe('FORBIDDEN');
    else expect(code).toBe('FORBIDDEN');
  });

  it('a token without any role can only say who it is', async () => {
    const client = await t.as('IGJ', []);
    expect((await client.ok('{ me { roles } }')).me.roles).toEqual([]);
    for (const sample of Object.values(SAMPLES)) {
      expect((await client.request(sample.query, sample.variables?.('IGJ'))).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
  });
});
