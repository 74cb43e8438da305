import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { MIGRATIONS } from '../../migrations/index.js';
import { createOrm, type Orm } from '../../src/platform/database/orm.js';
import { createLogger } from '../../src/platform/logging.js';

const BEFORE_PROVIDER_IDS = 'Migration20261201170000_planning_counter';
const SIGNAL = '01900000-0000-7000-8000-000000000001';
const LONE = '01900000-0000-7000-8000-000000000002';
const PROVIDERS = ['01900000-0000-7000-8000-0000000000b2', '01900000-0000-7000-8000-0000000000a1'];

/**
 * What the data migrations carry over from the schema before them: the providers of a signal from its link rows
 * onto the row (signal_provider_ids), and routings made before routings were the outbox, counted as published when
 * they were made — their events were written with them (routings_as_outbox).
 */
describe('migrating data of an earlier schema', () => {
  let orm: Orm;
  let db: pg.Client;
  const name = `earlier_${process.pid}`;

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: inject('adminUrl') });
    await admin.connect();
    await admin.query(`drop database if exists "${name}"`);
    await admin.query(`create database "${name}"`);
    await admin.end();
    const url = new URL(inject('adminUrl'));
    url.pathname = `/${name}`;
    orm = await createOrm({ url: url.toString(), entities: [], migrations: MIGRATIONS, logger: createLogger('silent'), poolSize: 2 });
    await orm.getMigrator().up({ to: BEFORE_PROVIDER_IDS });
    db = new pg.Client({ connectionString: url.toString() });
    await db.connect();
    for (const [index, id] of PROVIDERS.entries()) {
      await db.query(`insert into provider (id, name, kvk_number, sectors, registered_by, created_at) values ($1, $2, $3, '{THUISZORG}', 'IGJ', now())`, [
        id,
        `Zorg ${index}`,
        `9000010${index}`,
      ]);
    }
    for (const id of [SIGNAL, LONE]) {
      await db.query(
        `insert into signal (id, source_organisation, external_id, content_hash, category, severity, possible_criminal_offence, occurred_at, received_at, summary, submitted_by)
         values ($1::uuid, 'NZA', $1::text, '\\x00', 'KLACHT', 'MEDIUM', false, now(), now(), 'Melding', 'someone')`,
        [id],
      );
    }
    for (const provider of PROVIDERS) await db.query(`insert into signal_provider (signal_id, provider_id) values ($1, $2)`, [SIGNAL, provider]);
    await db.query(
      `insert into signal_routing (id, signal_id, recipient, rule_id, protocol_version, created_at, due_at)
       values (gen_random_uuid(), $1, 'OM', 'OM-STRAFBAAR-FEIT', '2026.1', '2026-11-02T09:00:00Z', '2027-02-01T09:00:00Z')`,
      [SIGNAL],
    );
    await orm.getMigrator().up();
  });
  afterAll(async () => {
    await db?.end();
    await orm?.close();
    const admin = new pg.Client({ connectionString: inject('adminUrl') });
    await admin.connect();
    await admin.query(`drop database if exists "${name}"`);
    await admin.end();
  });

  it('puts the providers of each signal on its row, from the link rows, and drops the link table', async () => {
    const { rows } = await db.query(`select id, provider_ids from signal order by id`);
    expect(rows).toEqual([
      { id: SIGNAL, provider_ids: [...PROVIDERS].sort() },
      { id: LONE, provider_ids: [] },
    ]);
    expect((await db.query(`select to_regclass('signal_provider') as link`)).rows).toEqual([{ link: null }]);
    // The OM's reach, rebuilt over the column, still sees both providers of the signal routed to it.
    const reach = await db.query(`select p.id from provider p where exists (select 1 from provider_routing r where r.provider_id = p.id and r.recipient = 'OM') order by p.id`);
    expect(reach.rows.map((row) => row.id)).toEqual([...PROVIDERS].sort());
  });

  it('counts the routings made before as published when they were made: the relay does not announce them again', async () => {
    const { rows } = await db.query(`select published_at from signal_routing`);
    expect(rows).toEqual([{ published_at: new Date('2026-11-02T09:00:00Z') }]);
    expect((await db.query(`select * from claim_unpublished_routings(now(), 10)`)).rows).toEqual([]);
  });
});
