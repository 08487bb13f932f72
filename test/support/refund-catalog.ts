// A catalog for refund tests whose dates move with the clock, so the refund
// windows are open (or closed) whenever the tests run.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HOUR_MS, startsAtIn } from './dates.js';

/** Refundable by customers until 48 hours before; a month away. Alias "gala". */
export const GALA = 'gala-night';
/** The same policy, but it starts in 24 hours: too late for customers. Alias "late show". */
export const LATE = 'late-show';
/** No customer refunds at all. Alias "final sale". */
export const FINAL = 'final-sale';

/** Writes the catalog to a temporary file; `remove` deletes it. */
export function writeRefundCatalog(): { path: string; remove(): void } {
  const sections = [
    { id: '101', name: 'Section 101', tier: 1, price: 10_000, rows: { A: 10, B: 10, C: 10, D: 10 } },
    { id: 'ga', name: 'Standing', tier: 0, price: 5_000, capacity: 100 },
  ];
  const base = { venue: 'Town Hall', currency: 'usd', sections };
  const catalog = {
    events: [
      { ...base, id: GALA, name: 'Gala Night', aliases: ['gala'], startsAt: startsAtIn(30 * 24 * HOUR_MS), refundPolicy: 'Refunds up to 48 hours before the show.', refundableUntilHours: 48 },
      { ...base, id: LATE, name: 'Late Show', aliases: ['late show'], startsAt: startsAtIn(24 * HOUR_MS), refundPolicy: 'Refunds up to 48 hours before the show.', refundableUntilHours: 48 },
      { ...base, id: FINAL, name: 'Final Sale', aliases: ['final sale'], startsAt: startsAtIn(30 * 24 * HOUR_MS), refundPolicy: 'All sales final: no refunds.' },
    ],
  };
  const dir = mkdtempSync(join(tmpdir(), 'refund-catalog-'));
  const path = join(dir, 'events.json');
  writeFileSync(path, JSON.stringify(catalog));
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
