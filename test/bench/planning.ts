import type { CpuPerRequest } from './cpu.js';
import { percentile, type LoadResult } from './load.js';
import type { BenchRow } from './results.js';
import { PLAN_BLOCK } from './setup.js';

/**
 * Planning runs each get a block of 1,000 providers of their own, seeded with three visits each (days 0, 10 and
 * 20 of the block's month), so every run meets the same density of conflicts — about three per new visit — and no
 * run plans into what an earlier one left behind.
 */
export class PlanBlocks {
  constructor(private readonly blocks: string[][]) {}

  next(): string[] {
    const block = this.blocks.shift();
    if (!block) throw new Error('the benchmark ran out of seeded provider blocks');
    return block;
  }
}

/** The planVisit input of the i-th request of a run at a block. */
export function planVariables(block: string[], i: number) {
  const day = Math.floor(i / PLAN_BLOCK) % 28;
  return {
    input: {
      providerIds: [block[i % PLAN_BLOCK]],
      start: new Date(Date.UTC(2027, 3, 1 + day, 8)).toISOString(),
      end: new Date(Date.UTC(2027, 3, 1 + day, 14)).toISOString(),
      kind: 'THEMATIC',
    },
  };
}

/** The same visit as planVariables, for the same-rows handler. */
export function bareplan(block: string[], i: number): string {
  const { providerIds: [providerId], start } = planVariables(block, i).input;
  return JSON.stringify({ providerId, start });
}

/** P6-latency: planVisit's p50 and p99 at one client against the same-rows handler's. */
export function latencyRow(api: LoadResult, bare: LoadResult): BenchRow {
  const [p50, p99] = [0.5, 0.99].map((share) => percentile(api.latencies, share) / percentile(bare.latencies, share)) as [number, number];
  const ms = (values: number[], share: number) => percentile(values, share).toFixed(2);
  return {
    id: 'P6-latency',
    what: 'planVisit p50 and p99 at 1 client ÷ the same-rows handler’s',
    value: `p50 ${p50.toFixed(2)} (${ms(api.latencies, 0.5)} / ${ms(bare.latencies, 0.5)} ms), p99 ${p99.toFixed(2)} (${ms(api.latencies, 0.99)} / ${ms(bare.latencies, 0.99)} ms)`,
    target: '≤ 2 each',
    pass: p50 <= 2 && p99 <= 2,
  };
}

/** A load run with the CPU it cost (measureCpu). */
export interface MeasuredRun {
  result: LoadResult;
  cpu: CpuPerRequest;
}

/**
 * P6-latency's runs: each side twice, in the order API, handler, handler, API, so that neither side always runs
 * first after the 8-client rounds, whose leftover background work (autovacuum, checkpoints) lands on whatever
 * runs next. A side's second run continues its first run's sequence of visits (`offset`), as one longer run
 * would; the two runs are then counted as one.
 */
export async function alternatedRuns(api: (offset: number) => Promise<MeasuredRun>, bare: (offset: number) => Promise<MeasuredRun>) {
  const apiFirst = await api(0);
  const bareFirst = await bare(0);
  const bareSecond = await bare(bareFirst.result.requests);
  const apiSecond = await api(apiFirst.result.requests);
  return { api: merged(apiFirst, apiSecond), bare: merged(bareFirst, bareSecond) };
}

function merged(first: MeasuredRun, second: MeasuredRun): MeasuredRun {
  const [a, b] = [first.result, second.result];
  const requests = a.requests + b.requests;
  const seconds = a.seconds + b.seconds;
  const perRequest = (pick: (cpu: CpuPerRequest) => number) =>
    (pick(first.cpu) * Math.max(1, a.requests) + pick(second.cpu) * Math.max(1, b.requests)) / Math.max(1, a.requests + b.requests);
  return {
    result: { requests, seconds, perSecond: requests / seconds, errors: a.errors + b.errors, latencies: [...a.latencies, ...b.latencies] },
    cpu: { process: perRequest((cpu) => cpu.process), database: perRequest((cpu) => cpu.database), perSecond: requests / seconds },
  };
}
