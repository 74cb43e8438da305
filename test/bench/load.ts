import http from 'node:http';

export interface LoadResult {
  requests: number;
  seconds: number;
  perSecond: number;
  errors: number;
  latencies: number[];
}

/**
 * A small closed-loop load generator: `concurrency` workers each send a request, wait for the answer and send
 * the next, over keep-alive connections, for `seconds`. The body of each request comes from `body(i)`.
 */
export async function load(options: {
  port: number;
  path: string;
  concurrency: number;
  seconds: number;
  headers?: Record<string, string>;
  body: (index: number) => string;
  check?: (status: number, body: string) => boolean;
  /** The statuses that count as success (default 200). */
  okStatuses?: readonly number[];
}): Promise<LoadResult> {
  let firstFailure: string | undefined;
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const deadline = Date.now() + options.seconds * 1000;
  let requests = 0;
  let errors = 0;
  let index = 0;
  const latencies: number[] = [];
  const started = process.hrtime.bigint();
  const one = (payload: string) =>
    new Promise<void>((resolve) => {
      const sent = process.hrtime.bigint();
      const request = http.request(
        {
          agent,
          host: '127.0.0.1',
          port: options.port,
          path: options.path,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...options.headers },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            latencies.push(Number(process.hrtime.bigint() - sent) / 1e6);
            const body = Buffer.concat(chunks).toString();
            if (!(options.okStatuses ?? [200]).includes(response.statusCode ?? 0) || (options.check && !options.check(response.statusCode!, body))) {
              errors++;
              firstFailure ??= `${response.statusCode}: ${body.slice(0, 300)}`;
            }
            requests++;
            resolve();
          });
        },
      );
      request.on('error', () => {
        errors++;
        resolve();
      });
      request.end(payload);
    });
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (Date.now() < deadline) await one(options.body(index++));
    }),
  );
  agent.destroy();
  // A rate made of failed requests would be a lie: the benchmark stops instead.
  if (errors > 0) throw new Error(`${options.path}: ${errors} of ${requests} requests failed, e.g. ${firstFailure ?? 'no answer'}`);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { requests, seconds, perSecond: requests / seconds, errors, latencies };
}

export function percentile(values: readonly number[], share: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))] ?? Number.NaN;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}
