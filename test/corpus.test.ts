// The customer corpus (test/corpus/conversations.json), played through the
// real dialogs on SMS and chat: the share each category gets right may not
// fall below the figures last measured (test/corpus/floors.json). The figures
// themselves are in docs/understanding-customers.md; `npm run corpus -- --misses` shows each miss.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { figures, runCorpus, type CorpusFigures, type CorpusResult } from './corpus/corpus.js';
import { testRedisTarget } from './support/redis.js';

interface Floors {
  all: number;
  categories: Record<string, number>;
  wrongPerformanceHolds: number;
}

const floors = JSON.parse(readFileSync(new URL('./corpus/floors.json', import.meta.url), 'utf8')) as Floors;

let results: CorpusResult[];
let measured: CorpusFigures;

beforeAll(async () => {
  results = await runCorpus(testRedisTarget());
  measured = figures(results);
}, 120_000);

describe('the customer corpus', () => {
  it('plays every conversation on both channels without the bot failing', () => {
    expect(results.length).toBeGreaterThanOrEqual(2 * 400);
    expect(results.filter((result) => result.why?.startsWith('the bot failed')).map((result) => `${result.conversation.id}: ${result.why}`)).toEqual([]);
  });

  it.each(Object.entries(floors.categories))('gets at least the measured share of %s right, on SMS and on chat', (category, floor) => {
    const row = measured.rows.find((r) => r.category === category);
    expect(row, `no conversations in ${category}`).toBeDefined();
    expect(row!.sms).toBeGreaterThanOrEqual(floor - 0.005);
    expect(row!.chat).toBeGreaterThanOrEqual(floor - 0.005);
  });

  it('gets at least the measured share right overall', () => {
    const all = measured.rows.find((r) => r.category === 'all')!;
    expect(Math.min(all.sms, all.chat)).toBeGreaterThanOrEqual(floors.all - 0.005);
  });

  it('holds no more ambiguous requests as one of the performances than last measured', () => {
    expect(measured.wrongPerformanceHolds).toBeLessThanOrEqual(floors.wrongPerformanceHolds);
  });
});
