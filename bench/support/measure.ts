import { performance } from 'node:perf_hooks';

/** What one timed run measured. */
export interface Measured {
  name: string;
  count: number;
  seconds: number;
  latenciesMs: number[];
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** Runs `op(n)` for n = 0..count-1 with `inFlight` calls outstanding at any time, timing each call. */
export async function atConcurrency(name: string, count: number, inFlight: number, op: (n: number) => Promise<unknown>): Promise<Measured> {
  const latenciesMs: number[] = [];
  let next = 0;
  const started = performance.now();
  const lane = async () => {
    while (next < count) {
      const n = next++;
      const t0 = performance.now();
      await op(n);
      latenciesMs.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, lane));
  return { name, count, seconds: (performance.now() - started) / 1000, latenciesMs };
}

export function perSecond(m: Measured): number {
  return m.count / m.seconds;
}

export const TABLE_HEADER = `${'operation'.padEnd(30)}${'count'.padStart(7)}${'per s'.padStart(9)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}`;

/** One line of the results table: name, count, rate, p50, p99, and a note. */
export function tableRow(m: Measured, note = ''): string {
  const sorted = [...m.latenciesMs].sort((a, b) => a - b);
  return [
    m.name.padEnd(30),
    String(m.count).padStart(7),
    perSecond(m).toFixed(0).padStart(9),
    percentile(sorted, 50).toFixed(2).padStart(9),
    percentile(sorted, 99).toFixed(2).padStart(9),
    note ? `  ${note}` : '',
  ].join('');
}
