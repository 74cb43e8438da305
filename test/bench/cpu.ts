import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { percentile, type LoadResult } from './load.js';
import type { BenchRow } from './results.js';

/**
 * CPU time spent per request, by the process serving the load and by the PostgreSQL cluster (the postmaster's
 * children: the pool's backends, the WAL writer, autovacuum), from /proc — what the two cores are spent on, side
 * by side, where a throughput ratio shows only the sum.
 */
export interface CpuPerRequest {
  process: number;
  database: number;
  /** The load's requests per second meanwhile. */
  perSecond: number;
}

/** utime and stime are counted in clock ticks (USER_HZ, 100 a second on x86 and Arm). */
const TICK_MS = 1000 / Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100);

/**
 * utime + stime of one process in ms, and cutime + cstime: what its children that have ended spent (PostgreSQL's
 * postmaster reaps its backends and autovacuum workers, so their time moves there when they exit); its parent's
 * pid. Zeros when it is gone.
 */
function stat(pid: number): { ms: number; endedChildrenMs: number; parent: number } {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count the fields after its closing one.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ').map(Number);
    return { ms: (fields[11]! + fields[12]!) * TICK_MS, endedChildrenMs: (fields[13]! + fields[14]!) * TICK_MS, parent: fields[1]! };
  } catch {
    return { ms: 0, endedChildrenMs: 0, parent: 0 };
  }
}

/** The cluster's CPU so far: the postmaster, its living children, and those of its children that have ended. */
function clusterMs(postmaster: number): number {
  const own = stat(postmaster);
  let total = own.ms + own.endedChildrenMs;
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
  return { result, cpu: { process: (stat(pid).ms - process) / requests, database: (clusterMs(postmaster) - database) / requests, perSecond: result.perSecond } };
}

/** The postmaster of the cluster `db` is connected to: the parent of its backend. */
export async function postmasterOf(db: { query(sql: string): Promise<{ rows: Array<{ pid: number }> }> }): Promise<number> {
  const { rows } = await db.query('select pg_backend_pid() as pid');
  return stat(rows[0]!.pid).parent;
}

/**
 * P6-cpu: where a plan's CPU goes on each side of P6, and what that leaves possible. The API's JavaScript runs on
 * one thread: at its process's CPU per plan it serves about 1000 ÷ that many plans a second even if PostgreSQL
 * cost it nothing — set against the handler's rate in the same round, an estimate of P6's ceiling (helper threads
 * for garbage collection can add a little; the database never costs nothing).
 */
export function planCpuRow(api: CpuPerRequest, bare: CpuPerRequest): BenchRow {
  const ms = (value: number) => value.toFixed(2);
  const oneThread = 1000 / api.process;
  return {
    id: 'P6-cpu',
    what: 'CPU per plan at 8 clients, process + PostgreSQL: planVisit through the API, and the same-rows handler (last round of P6)',
    value: `API ${ms(api.process)} + ${ms(api.database)} ms, handler ${ms(bare.process)} + ${ms(bare.database)} ms; one Node thread at ${ms(api.process)} ms a plan: about ${oneThread.toFixed(0)} a second, ${(oneThread / bare.perSecond).toFixed(2)} of the handler's ${bare.perSecond.toFixed(0)}, with a free database`,
    target: '(P6 ceiling, estimate)',
    pass: null,
  };
}

/**
 * P6-latency beside the CPU: the mean CPU time per plan at one client, each side's process and the cluster, set
 * against that side's own p50. Both include the work beside the requests (garbage collection threads, background
 * loops, the WAL writer, autovacuum) and are means, so they bound nothing; a sum near the p50 says a side's
 * answers take as long as its work, not its waiting.
 */
export function latencyCpuRow(api: CpuPerRequest, apiRun: LoadResult, bare: CpuPerRequest, bareRun: LoadResult): BenchRow {
  const ms = (value: number) => value.toFixed(2);
  const side = (name: string, cpu: CpuPerRequest, run: LoadResult) =>
    `${name} ${ms(cpu.process)} + ${ms(cpu.database)} = ${ms(cpu.process + cpu.database)} ms against its p50 of ${ms(percentile(run.latencies, 0.5))} ms`;
  return {
    id: 'P6-latency-cpu',
    what: 'mean CPU per plan at 1 client, process + PostgreSQL, against each side’s p50: planVisit through the API, and the same-rows handler (P6-latency’s runs)',
    value: `${side('API', api, apiRun)}; ${side('handler', bare, bareRun)}`,
    target: '(P6-latency, context)',
    pass: null,
  };
}
