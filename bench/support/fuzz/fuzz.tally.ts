// Counts of what the box office answered, by route and status, with the
// variants that got a 5xx (or no answer) kept apart, and one body of each
// for the report.
import { percentile } from '../measure.js';
import type { FuzzAnswer, FuzzRequest, FuzzRoute } from './fuzz.request.js';

type StatusKey = number | 'no answer';

export class FuzzTally {
  readonly #byRoute = new Map<FuzzRoute, Map<StatusKey, number>>();
  /** Per route, and per route and variant, every answer's latency in ms: where the time of a run goes. */
  readonly #latencies = new Map<string, number[]>();
  /** "route | variant | status" → count and one example. */
  readonly #failures = new Map<string, { count: number; example: string }>();
  total = 0;

  record(request: FuzzRequest, answer: FuzzAnswer, ms: number): void {
    this.total += 1;
    for (const key of [request.route, `${request.route} | ${request.variant}`]) {
      const latencies = this.#latencies.get(key) ?? [];
      this.#latencies.set(key, latencies);
      latencies.push(ms);
    }
    const statuses = this.#byRoute.get(request.route) ?? new Map<StatusKey, number>();
    this.#byRoute.set(request.route, statuses);
    statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    if (answer.status === 'no answer' || answer.status >= 500) {
      const key = `${request.route} | ${request.variant} | ${answer.status}`;
      const seen = this.#failures.get(key);
      if (seen) seen.count += 1;
      else this.#failures.set(key, { count: 1, example: `${request.method} ${request.path.slice(0, 120)} -> ${'text' in answer ? answer.text.slice(0, 160) : answer.error}` });
    }
  }

  /** Answers of a class over every route: '2xx', '4xx', '5xx', or 'no answer'. */
  countOf(statusClass: string): number {
    let count = 0;
    for (const statuses of this.#byRoute.values()) for (const [status, n] of statuses) if (classOf(status) === statusClass) count += n;
    return count;
  }

  /** One line per route: its count, latency p50/p99, and its statuses, most frequent first. */
  routeLines(): string[] {
    return [...this.#byRoute].map(([route, statuses]) => {
      const total = [...statuses.values()].reduce((a, b) => a + b, 0);
      const sorted = [...(this.#latencies.get(route) ?? [])].sort((a, b) => a - b);
      const ms = `${percentile(sorted, 50).toFixed(0)} / ${percentile(sorted, 99).toFixed(0)}`;
      const detail = [...statuses].sort((a, b) => b[1] - a[1]).map(([status, n]) => `${status}: ${n}`).join(', ');
      return `${route.padEnd(24)}${String(total).padStart(7)}${ms.padStart(14)}   ${detail}`;
    });
  }

  /** The `count` route variants with the slowest p99: requests that keep the box office busy, and their memory live, longest. */
  slowestLines(count: number): string[] {
    return [...this.#latencies]
      .filter(([key, ms]) => key.includes(' | ') && ms.length >= 10)
      .map(([key, ms]) => [key, ms.sort((a, b) => a - b), percentile(ms, 99)] as const)
      .sort((a, b) => b[2] - a[2])
      .slice(0, count)
      .map(([key, ms, p99]) => `${String(ms.length).padStart(6)}  ${key}: p50 ${percentile(ms, 50).toFixed(0)} ms, p99 ${p99.toFixed(0)} ms`);
  }

  classLine(): string {
    return ['2xx', '3xx', '4xx', '5xx', 'no answer'].map((c) => `${c} ${this.countOf(c)}`).join(', ');
  }

  /** Every route and variant that got a 5xx or no answer, with a count and an example. */
  failureLines(): string[] {
    return [...this.#failures].sort((a, b) => b[1].count - a[1].count).map(([key, { count, example }]) => `${String(count).padStart(6)}  ${key}\n        e.g. ${example}`);
  }
}

function classOf(status: StatusKey): string {
  return status === 'no answer' ? 'no answer' : `${Math.floor(status / 100)}xx`;
}
