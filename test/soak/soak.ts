import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { Installation, startServerProcess } from '../support/server-process.js';
import { Traffic, type Outcome } from './traffic.js';

/**
 * The soak: a server process started here, driven from this process with mixed traffic for a while, then
 * checked. What must hold, whatever the duration: no 5xx and no error at all (every request is valid), no conflict
 * lost, no signal stored twice, an audit chain that verifies, and memory that levels off.
 */
export interface SoakOptions {
  minutes: number;
  /** The application role's and the schema owner's URL of a migrated database. */
  appUrl: string;
  ownerUrl: string;
  /** Requests in flight at once. */
  concurrency?: number;
  progress?: (line: string) => void;
}

export interface OperationFigures {
  operation: string;
  count: number;
  errors: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface SoakReport {
  minutes: number;
  requests: number;
  perSecond: number;
  operations: OperationFigures[];
  errors: Record<string, number>;
  serverErrors: number;
  lostConflicts: number;
  conflictPairs: number;
  duplicateSignals: number;
  duplicatesMisanswered: number;
  auditVerified: boolean;
  auditOutput: string;
  rss: { startMb: number; endMb: number; maxMb: number; ratio: number };
  written: { visits: number; signals: number; decisions: number; measures: number };
  /** The checks that failed, in words; empty when the soak passed. */
  failures: string[];
}

/** Memory is compared after this share of the run (at least 10 s): the JIT and the pools warm up first. */
const WARM_UP_SHARE = 0.2;

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const progress = options.progress ?? (() => {});
  const installation = await Installation.create();
  const env = installation.env(options.appUrl, {
    CONFLICT_MARGIN_DAYS: '28',
    // The soak measures the server, not the limiter: one client here sends what hundreds would.
    RATE_LIMIT_MUTATIONS_PER_MINUTE: '1000000',
    DATABASE_POOL_SIZE: '10',
  });
  const server = await startServerProcess(env);
  const outcomes: Outcome[] = [];
  try {
    const tokens = {
      planners: await Promise.all([
        installation.token('IGJ', ['PLANNER'], 'planner@igj'),
        installation.token('NZA', ['PLANNER'], 'planner@nza'),
        installation.token('GM0363', ['PLANNER'], 'planner@amsterdam'),
      ]),
      integration: await installation.token('NZA', ['INTEGRATION', 'INTAKE'], 'koppeling@nza'),
      prosecutor: await installation.token('OM', ['PROSECUTOR'], 'officier@om'),
      enforcement: await installation.token('IGJ', ['ENFORCEMENT_OFFICER'], 'handhaving@igj'),
    };
    const traffic = new Traffic(server.url, tokens, (outcome) => outcomes.push(outcome));
    await traffic.prepare(Math.max(24, Math.round(24 * options.minutes)));

    const durationMs = options.minutes * 60_000;
    const began = Date.now();
    const warmUpMs = Math.max(10_000, durationMs * WARM_UP_SHARE);
    // Sampled under load every 5 s; the samples of the warm-up are not compared.
    const rss: number[] = [];
    const sampler = setInterval(() => {
      const now = rssMb(server.child.pid!);
      if (now === undefined) return;
      if (Date.now() - began >= warmUpMs) rss.push(now);
      const done = outcomes.length;
      progress(`${Math.round((Date.now() - began) / 1000)} s: ${done} requests, RSS ${now.toFixed(0)} MB`);
    }, 5_000);
    await Promise.all(
      Array.from({ length: options.concurrency ?? 6 }, async () => {
        while (Date.now() - began < durationMs) await traffic.next();
      }),
    );
    clearInterval(sampler);
    const seconds = (Date.now() - began) / 1000;
    const exitCode = await server.stop();

    const db = new pg.Client({ connectionString: options.ownerUrl });
    await db.connect();
    let database: { lost: number; pairs: number; duplicates: number };
    try {
      database = await databaseChecks(db, 28);
    } finally {
      await db.end();
    }
    const verify = spawnSync(process.execPath, ['dist/src/cli/audit-verify.js'], {
      env: { ...process.env, ...env, DATABASE_OWNER_URL: options.ownerUrl },
      encoding: 'utf8',
    });

    const errors: Record<string, number> = {};
    for (const outcome of outcomes) if (outcome.code) errors[outcome.code] = (errors[outcome.code] ?? 0) + 1;
    // Medians of the first and the last quarter of the samples after warm-up: one sample is noise (a collection
    // just before or after it), a trend is not.
    const quarter = Math.max(1, Math.floor(rss.length / 4));
    const start = median(rss.slice(0, quarter));
    const end = median(rss.slice(-quarter));
    const report: SoakReport = {
      minutes: options.minutes,
      requests: outcomes.length,
      perSecond: Math.round(outcomes.length / seconds),
      operations: figures(outcomes),
      errors,
      serverErrors: outcomes.filter((outcome) => outcome.status >= 500).length,
      lostConflicts: database.lost,
      conflictPairs: database.pairs,
      duplicateSignals: database.duplicates,
      duplicatesMisanswered: traffic.written.duplicatesMisanswered,
      auditVerified: verify.status === 0,
      auditOutput: (verify.stdout + verify.stderr).trim(),
      rss: { startMb: round(start), endMb: round(end), maxMb: round(Math.max(...rss)), ratio: round(end / start, 2) },
      written: { visits: traffic.written.visits, signals: traffic.written.signals.size, decisions: traffic.written.decisions, measures: traffic.written.measures },
      failures: [],
    };
    if (exitCode !== 0) report.failures.push(`the server exited with ${exitCode} on SIGTERM`);
    report.failures.push(...verdict(report));
    return report;
  } finally {
    await server.stop('SIGKILL');
  }
}

function verdict(report: SoakReport): string[] {
  const failures: string[] = [];
  if (report.serverErrors > 0) failures.push(`${report.serverErrors} answers were 5xx`);
  const errorCount = Object.values(report.errors).reduce((sum, count) => sum + count, 0);
  if (errorCount > 0) failures.push(`${errorCount} requests failed: ${JSON.stringify(report.errors)}`);
  if (report.lostConflicts > 0) failures.push(`${report.lostConflicts} conflicting pairs of visits were not recorded`);
  if (report.duplicateSignals > 0) failures.push(`${report.duplicateSignals} signals are stored more than once`);
  if (report.duplicatesMisanswered > 0) failures.push(`${report.duplicatesMisanswered} resubmissions did not return the existing signal`);
  if (!report.auditVerified) failures.push(`the audit chain did not verify: ${report.auditOutput}`);
  if (!(report.rss.ratio <= 1.5)) failures.push(`RSS grew from ${report.rss.startMb} MB to ${report.rss.endMb} MB (× ${report.rss.ratio}; at most 1.5)`);
  if (!(report.rss.maxMb <= 2 * report.rss.startMb)) failures.push(`RSS peaked at ${report.rss.maxMb} MB, more than twice the ${report.rss.startMb} MB after warm-up`);
  if (report.written.visits === 0 || report.written.signals === 0) failures.push('the traffic wrote nothing');
  return failures;
}

/**
 * Counted in the database, by the rule itself: every pair of active visits at one provider whose planning windows
 * lie within the margin must have a conflict recorded, and no (source, externalId) may be stored twice.
 */
async function databaseChecks(db: pg.Client, marginDays: number): Promise<{ lost: number; pairs: number; duplicates: number }> {
  const { rows } = await db.query<{ lost: number; pairs: number; duplicates: number }>(
    `select
       (select count(*)::int from (
          select distinct a.visit_id, b.visit_id from visit_provider a
            join visit_provider b on b.provider_id = a.provider_id and b.visit_id > a.visit_id and b.active
           where a.active and b.time_window && visit_margin_window(a.time_window, $1)
             and not exists (select 1 from visit_conflict c where c.visit_a_id = a.visit_id and c.visit_b_id = b.visit_id)) missing) as lost,
       (select count(*)::int from visit_conflict) as pairs,
       (select count(*)::int from (select 1 from signal group by source_organisation, external_id having count(*) > 1) twice) as duplicates`,
    [marginDays],
  );
  return rows[0]!;
}

function figures(outcomes: Outcome[]): OperationFigures[] {
  const byOperation = new Map<string, Outcome[]>();
  for (const outcome of outcomes) byOperation.set(outcome.operation, [...(byOperation.get(outcome.operation) ?? []), outcome]);
  return [...byOperation.entries()]
    .map(([operation, list]) => {
      const sorted = list.map((outcome) => outcome.ms).sort((a, b) => a - b);
      const at = (share: number) => round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))]!, 1);
      return { operation, count: list.length, errors: list.filter((outcome) => outcome.code).length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: round(sorted.at(-1)!, 1) };
    })
    .sort((a, b) => b.count - a.count);
}

/** The per-operation table, in Markdown (printed, and in docs/deployment.md). */
function operationTable(report: SoakReport): string[] {
  return [
    '| operation | requests | errors | p50 ms | p95 ms | p99 ms | max ms |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...report.operations.map((row) => `| ${row.operation} | ${row.count} | ${row.errors} | ${row.p50} | ${row.p95} | ${row.p99} | ${row.max} |`),
  ];
}

function summary(report: SoakReport): string[] {
  return [
    `5xx answers: ${report.serverErrors}; lost conflicts: ${report.lostConflicts} (of ${report.conflictPairs} recorded); duplicate signals: ${report.duplicateSignals}; audit chain: ${report.auditVerified ? 'verified' : 'NOT verified'}.`,
    `RSS under load (medians of the first and the last quarter after warm-up): ${report.rss.startMb} MB, then ${report.rss.endMb} MB (× ${report.rss.ratio}); at most ${report.rss.maxMb} MB.`,
  ];
}

function headline(report: SoakReport): string {
  return `${report.minutes} min, ${report.requests} requests (${report.perSecond}/s); wrote ${report.written.visits} visits, ${report.written.signals} signals, ${report.written.decisions} decisions, ${report.written.measures} measures`;
}

/** The table the soak prints. */
export function formatReport(report: SoakReport): string {
  return [
    `Soak: ${headline(report)}`,
    '',
    ...operationTable(report),
    '',
    ...summary(report),
    report.failures.length === 0 ? 'Soak passed.' : `Soak FAILED:\n${report.failures.map((failure) => `- ${failure}`).join('\n')}`,
  ].join('\n');
}

/** What test/soak/results/latest.json holds: the report and where it ran. */
export type SoakResults = SoakReport & { node: string; cpus: number; date: string };

/** The generated block "soak" of docs/deployment.md, made from test/soak/results/latest.json. */
export function soakDocBlock(results: SoakResults): string {
  return [
    `Node ${results.node}, ${results.cpus} CPUs, ${results.date.slice(0, 10)}: ${headline(results)}; ${results.failures.length === 0 ? 'passed' : `**failed**: ${results.failures.join('; ')}`}.`,
    '',
    ...operationTable(results),
    '',
    ...summary(results),
  ].join('\n');
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : sorted[Math.floor(sorted.length / 2)]!;
}

/** The resident set of a process in MB (ps works on Linux and macOS alike). */
function rssMb(pid: number): number | undefined {
  const result = spawnSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' });
  const kb = Number(result.stdout.trim());
  return result.status === 0 && kb > 0 ? kb / 1024 : undefined;
}

function round(value: number, digits = 0): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
