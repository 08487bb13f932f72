import { loadavg } from 'node:os';
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

/** Times `op` and adds its latency to `into`: for runs whose unit of work holds several timed calls. */
export async function timed<T>(into: number[], op: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await op();
  } finally {
    into.push(performance.now() - t0);
  }
}

export function perSecond(m: Measured): number {
  return m.count / m.seconds;
}

/** Two runs of the same operation as one (a baseline measured before and after a scenario). */
export function merged(name: string, a: Measured, b: Measured): Measured {
  return { name, count: a.count + b.count, seconds: a.seconds + b.seconds, latenciesMs: [...a.latenciesMs, ...b.latenciesMs] };
}

/** The p-th percentile latency of a run, in ms. */
export function latency(m: Measured, p: number): number {
  return percentile([...m.latenciesMs].sort((a, b) => a - b), p);
}

export const TABLE_HEADER = `${'operation'.padEnd(30)}${'count'.padStart(7)}${'per s'.padStart(9)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}`;

/** One line of the results table: name, count, rate, p50, p99, and a note. */
export function tableRow(m: Measured, note = ''): string {
  return [
    m.name.padEnd(30),
    String(m.count).padStart(7),
    perSecond(m).toFixed(0).padStart(9),
    latency(m, 50).toFixed(2).padStart(9),
    latency(m, 99).toFixed(2).padStart(9),
    note ? `  ${note}` : '',
  ].join('');
}

/**
 * "figure, baseline, ratio" for a rate beside each baseline: on a shared
 * machine the ratio holds where the absolute rate does not.
 */
export function ratioLine(label: string, rate: number, baselines: Measured[]): string {
  const against = baselines.map((b) => `${(rate / perSecond(b)).toFixed(3)} of ${b.name} (${perSecond(b).toFixed(0)}/s)`);
  return `${label.padEnd(38)}${rate.toFixed(0).padStart(7)}/s   = ${against.join(', ')}`;
}

/** The 1-minute load average, for the record: the machine is shared. */
export function loadAverage(): string {
  return loadavg().map((l) => l.toFixed(2)).join(' ');
}
