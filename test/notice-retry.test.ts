// How long a notice keeps trying (queue/notice-retry.ts): over the hours of
// NOTICE_RETRY_HOURS, never more than ten minutes between two attempts, so
// an outage of an hour loses nothing and its end is noticed within minutes.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { noticeAttempts, noticeRetryDelay, noticeRetrySchedule } from '../src/queue/notice-retry.js';

const MINUTE = 60_000;

/** When each attempt is made, from the first, for a schedule. */
function attemptTimes(schedule: ReturnType<typeof noticeRetrySchedule>): number[] {
  const times = [0];
  for (let failures = 1; failures < noticeAttempts(schedule); failures += 1) times.push(times.at(-1)! + noticeRetryDelay(schedule, failures));
  return times;
}

describe('the notice retry schedule', () => {
  it('tries for 6 hours by default, at most 10 minutes apart, starting 5 s after the first failure', () => {
    expect(loadConfig({}).notices.retryHours).toBe(6);
    const times = attemptTimes(noticeRetrySchedule(loadConfig({}).notices.retryHours));

    expect(times.slice(0, 4)).toEqual([0, 5_000, 15_000, 35_000]);
    expect(times.at(-1)).toBeGreaterThanOrEqual(6 * 60 * MINUTE);
    expect(times.at(-2)).toBeLessThan(6 * 60 * MINUTE);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(Math.max(...gaps)).toBe(10 * MINUTE);
    // An outage of an hour: an attempt falls within 10 minutes of its end.
    expect(times.some((t) => t >= 60 * MINUTE && t <= 70 * MINUTE)).toBe(true);
  });

  it('follows NOTICE_RETRY_HOURS', () => {
    const times = attemptTimes(noticeRetrySchedule(loadConfig({ NOTICE_RETRY_HOURS: '24' }).notices.retryHours));
    expect(times.at(-1)).toBeGreaterThanOrEqual(24 * 60 * MINUTE);
    expect(times.at(-2)).toBeLessThan(24 * 60 * MINUTE);
  });
});
