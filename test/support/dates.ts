// Dates for catalogs that tests write: relative to the clock the test runs
// under, so an event a test buys for is on sale whatever the real date.

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** An event start `ms` after `now`, as a catalog writes it: "2027-01-02T20:00:00Z". */
export function startsAtIn(ms: number, now: number = Date.now()): string {
  return new Date(now + ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The variables that move this process's clock (libfaketime's, set by
 * scripts/clock-ahead.sh), for a box office the test starts with an
 * environment of its own: it must run under the same clock as the test that
 * signs its webhooks and checks its dates. Empty on a normal run.
 */
export function clockEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter((entry): entry is [string, string] => FAKE_CLOCK.test(entry[0]) && entry[1] !== undefined),
  );
}

/**
 * The environment without the moved clock, for the programs libfaketime
 * breaks (Redis's tools, whose jemalloc it crashes, and Chromium, which hangs
 * under it), as scripts/clock-ahead.sh does for redis-server.
 */
export function realClockEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter((entry): entry is [string, string] => !FAKE_CLOCK.test(entry[0]) && entry[1] !== undefined),
  );
}

const FAKE_CLOCK = /^(LD_PRELOAD|FAKETIME.*)$/;
