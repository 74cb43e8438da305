import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { LoadResult } from './load.js';
import type { BenchRow } from './results.js';

/**
 * CPU time spent per request, by the process serving the load and by the PostgreSQL cluster (the postmaster's
 * children: the pool's backends, the WAL writer, autovacuum), from /proc — what the two cores are spent on, side
 * by side, where a throughput ratio shows only the sum.
 */
export interface CpuPerRequest {
  process: number;
  database: number;
}

/** utime and stime are counted in clock ticks (USER_HZ, 100 a second on x86 and Arm). */
const TICK_MS = 1000 / Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100);

/** utime + stime of one process, in ms; its parent's pid; 0 when it is gone. */
function stat(pid: number): { ms: number; parent: number } {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count the fields after its closing one.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ms: (Number(fields[11]) + Number(fields[12])) * TICK_MS, parent: Number(fields[1]) };
  } catch {
    return { ms: 0, parent: 0 };
  }
}

function clusterMs(postmaster: number): number {
  let total = stat(postmaster).ms;
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (Number.isInteger(pid) && pid > 0) {
      const process = stat(pid);
      if (process.parent === postmaster) total += process.ms;
    }
  }
  return total;
}

/** Runs the load and divides the CPU time the serving process and the cluster spent meanwhile by its requests. */
export async function measureCpu(pid: number, postmaster: number, run: () => Promise<LoadResult>): Promise<{ result: LoadResult; cpu: CpuPerRequest }> {
  const [process, database] = [stat(pid).ms, clusterMs(postmaster)];
  const result = await run();
  const requests = Math.max(1, result.requests);
  return { result, cpu: { process: (stat(pid).ms - process) / requests, database: (clusterMs(postmaster) - database) / requests } };
}

/** The postmaster of the cluster `db` is connected to: the parent of its backend. */
export async function postmasterOf(db: { query(sql: string): Promise<{ rows: Array<{ pid: number }> }> }): Promise<number> {
  const { rows } = await db.query('select pg_backend_pid() as pid');
  return stat(rows[0]!.pid).parent;
}

/**
 * P6-cpu: where a plan's CPU goes on each side of P6. With both cores busy, P6 = (handler + its database time) ÷
 * (API process + its database time) per plan; even if PostgreSQL cost the API nothing, P6 could not exceed the
 * handler's whole CPU per plan ÷ the API process's alone — the ceiling this row reports.
 */
export function planCpuRow(api: CpuPerRequest, bare: CpuPerRequest): BenchRow {
  const ms = (value: number) => value.toFixed(2);
  const ceiling = (bare.process + bare.database) / api.process;
  return {
    id: 'P6-cpu',
    what: 'CPU per plan at 8 clients, process + PostgreSQL: planVisit through the API, and the same-rows handler (last round of P6)',
    value: `API ${ms(api.process)} + ${ms(api.database)} ms, handler ${ms(bare.process)} + ${ms(bare.database)} ms: P6 at most ${ceiling.toFixed(2)} even with a free database`,
    target: '(the ceiling of P6)',
    pass: null,
  };
}
