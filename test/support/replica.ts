import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort, runClusterDirectory, startEmbeddedDatabase, type EmbeddedDatabase } from '../../src/platform/database/embedded.js';
import { migrateAsOwner } from '../../src/platform/database/migrate.js';
import { provisionDatabase } from '../../src/platform/database/roles.js';
import type { Logger } from '../../src/platform/logging.js';

/**
 * A primary and a streaming hot standby made from the embedded PostgreSQL binaries. They have no pg_basebackup,
 * so the base backup is taken with the low-level API: pg_backup_start, a copy of the data directory, pg_backup_stop
 * (its label file becomes backup_label), then standby.signal and primary_conninfo. A physical replication slot
 * keeps the WAL the standby still needs.
 */
export interface ReplicatedDatabase {
  primary: EmbeddedDatabase;
  /** The application role's URLs, as DATABASE_URL and DATABASE_READ_URL. */
  appUrl: string;
  readUrl: string;
  /** The superuser on the standby (to pause and resume replay) and on the primary. */
  replicaAdminUrl: string;
  stopReplica(): Promise<void>;
  /** Waits until the standby has replayed everything the primary has written so far. */
  caughtUp(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startReplicatedDatabase(logger: Logger): Promise<ReplicatedDatabase> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'samenloop-replication-'));
  chmodSync(root, 0o755); // PostgreSQL runs as the postgres user when the tests run as root
  const primary = await startEmbeddedDatabase({ dataDir: path.join(root, 'primary'), logger, settings: { fsync: 'off', wal_level: 'replica' } });
  const urls = await provisionDatabase(primary.adminUrl, 'samenloop', { owner: 'replication-owner', app: 'replication-app' });
  await migrateAsOwner(urls.owner!, logger);

  const replicaDir = path.join(root, 'replica');
  mkdirSync(replicaDir, { mode: 0o700 });
  const admin = new pg.Client({ connectionString: primary.adminUrl });
  await admin.connect();
  try {
    await admin.query(`select pg_create_physical_replication_slot('samenloop_replica', true)`);
    await admin.query(`select pg_backup_start('samenloop-replica', true)`);
    const skipped = new Set(['postmaster.pid', 'postmaster.opts']);
    cpSync(primary.clusterDir, replicaDir, {
      recursive: true,
      filter: (source) => {
        const relative = path.relative(primary.clusterDir, source);
        if (skipped.has(relative)) return false;
        // The WAL and the slots are the primary's own: the standby streams what it needs.
        return !/^(pg_wal|pg_replslot)\/./.test(relative);
      },
    });
    const { rows } = await admin.query<{ labelfile: string }>('select labelfile from pg_backup_stop(false)');
    writeFileSync(path.join(replicaDir, 'backup_label'), rows[0]!.labelfile);
  } finally {
    await admin.end();
  }
  writeFileSync(path.join(replicaDir, 'standby.signal'), '');
  const primaryUrl = new URL(primary.adminUrl);
  const replicaPort = await freePort();
  const replica = await runClusterDirectory(
    replicaDir,
    replicaPort,
    {
      listen_addresses: '127.0.0.1',
      primary_conninfo: `host=127.0.0.1 port=${primary.port} user=postgres password=${decodeURIComponent(primaryUrl.password)} application_name=samenloop_replica`,
      primary_slot_name: 'samenloop_replica',
      hot_standby: 'on',
      hot_standby_feedback: 'on',
      fsync: 'off',
    },
    logger,
  );
  const onReplica = (url: string) => {
    const result = new URL(url);
    result.port = String(replicaPort);
    return result.toString();
  };
  const replicaAdminUrl = onReplica(primary.adminUrl);
  const query = async <Row extends pg.QueryResultRow>(url: string, text: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<Row>(text)).rows;
    } finally {
      await client.end();
    }
  };
  let replicaRunning = true;
  return {
    primary,
    appUrl: urls.app,
    readUrl: onReplica(urls.app),
    replicaAdminUrl,
    async stopReplica() {
      replicaRunning = false;
      await replica.stop();
    },
    async caughtUp(timeoutMs = 20_000) {
      const [{ lsn }] = (await query<{ lsn: string }>(primary.adminUrl, 'select pg_current_wal_lsn()::text as lsn')) as [{ lsn: string }];
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const [row] = await query<{ behind: boolean }>(replicaAdminUrl, `select pg_last_wal_replay_lsn() < '${lsn}'::pg_lsn as behind`);
        if (row && !row.behind) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`the standby did not replay up to ${lsn} within ${timeoutMs} ms`);
    },
    async stop() {
      if (replicaRunning) await replica.stop();
      await primary.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
