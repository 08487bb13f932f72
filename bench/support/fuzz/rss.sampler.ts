// The box office's resident memory, read from /proc/<pid>/status (VmRSS)
// every 200 ms, so a peak between two samples of a slower tool is not missed.
import { readFileSync } from 'node:fs';

/** VmRSS of `pid` in MB, or undefined where there is no /proc or no such process. */
export function rssMb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const kb = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

export interface RssSampler {
  /** The highest reading so far, in MB. */
  readonly peakMb: number | undefined;
  /** Readings as [ms since start, MB], for a curve. */
  readonly samples: readonly [number, number][];
  stop(): void;
}

export function sampleRss(pid: number | undefined, everyMs = 200): RssSampler {
  const samples: [number, number][] = [];
  const started = Date.now();
  let peakMb: number | undefined;
  const read = () => {
    const mb = rssMb(pid);
    if (mb === undefined) return;
    samples.push([Date.now() - started, mb]);
    peakMb = Math.max(peakMb ?? 0, mb);
  };
  read();
  const timer = setInterval(read, everyMs);
  return {
    get peakMb() {
      return peakMb;
    },
    samples,
    stop: () => clearInterval(timer),
  };
}
