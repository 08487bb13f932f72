// Seat engine throughput: holds of 2 seats at 50 requests in flight against a
// big event, next to a trivial EVALSHA at the same concurrency (the ceiling any
// one-round-trip operation can reach on this machine).
//
//   npm run bench:seats
//
// Starts its own redis-server (append-only on, as in production) in a temp
// folder and stops it at the end. Releases the oldest holds once the venue is
// two-thirds held, so the run never sells out and every hold scans a venue
// that is partly full, as on a real on-sale.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { catalogSchema } from '../src/catalog/catalog.schema.js';
import { EventCatalog } from '../src/catalog/event-catalog.js';
import { startRedisServer } from '../src/redis/redis-server.process.js';
import { SeatStore } from '../src/seats/seat.store.js';
import { evalshaBaseline } from './support/baselines.js';
import { atConcurrency, loadAverage, tableRow, type Measured } from './support/measure.js';

const SECTIONS = 40;
const ROWS = 20;
const SEATS_PER_ROW = 30;
const PARTY = 2;
const CONNECTIONS = 8;
const IN_FLIGHT = 50;
const OPERATIONS = 20_000;
/** Holds kept open before the oldest is released: two-thirds of the venue. */
const RECYCLE_AT = Math.floor((SECTIONS * ROWS * SEATS_PER_ROW * 2) / 3 / PARTY);
const EVENT = 'bench-2026-12-31';

function bigCatalog(): EventCatalog {
  const rowNames = Array.from({ length: ROWS }, (_, i) => String.fromCharCode(65 + i));
  const sections = Array.from({ length: SECTIONS }, (_, s) => ({
    id: `s${String(s + 1).padStart(2, '0')}`, name: `Section ${s + 1}`, tier: 1, price: 10_000,
    rows: Object.fromEntries(rowNames.map((row) => [row, SEATS_PER_ROW])),
  }));
  return new EventCatalog(
    catalogSchema.parse({
      events: [{ id: EVENT, name: 'Bench', startsAt: '2026-12-31T20:00:00Z', venue: 'Arena', currency: 'usd', sections }],
    }),
  );
}

async function benchHolds(clients: Redis[]): Promise<{ holds: Measured; releases: Measured; refused: number }> {
  const catalog = bigCatalog();
  const stores = clients.map((redis) => new SeatStore(redis, catalog, { prefix: 'bench:' }));
  const sectionIds = catalog.event(EVENT)!.sections.map((s) => s.id);
  const open: string[] = [];
  let refused = 0;
  const expiresAt = Date.now() + 3600_000;
  // Holds and the releases that recycle seats share the wall clock; each is timed on its own.
  const holdLatencies: number[] = [];
  const releaseLatencies: number[] = [];
  const measured = await atConcurrency('hold', OPERATIONS, IN_FLIGHT, async (n) => {
    const store = stores[n % stores.length]!;
    if (open.length >= RECYCLE_AT) {
      const t0 = performance.now();
      await store.release(EVENT, open.shift()!);
      releaseLatencies.push(performance.now() - t0);
    }
    const t0 = performance.now();
    const result = await store.hold({
      eventId: EVENT, sectionId: sectionIds[n % sectionIds.length]!, quantity: PARTY,
      holdId: `h${n}`, customerKey: `c${n}`, expiresAt,
    });
    holdLatencies.push(performance.now() - t0);
    if (result.ok) open.push(result.allocation.holdId);
    else refused += 1;
  });
  return {
    holds: { ...measured, latenciesMs: holdLatencies },
    releases: { name: 'release (recycling)', count: releaseLatencies.length, seconds: measured.seconds, latenciesMs: releaseLatencies },
    refused,
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'seats-bench-'));
  const server = await startRedisServer({ dir, appendOnly: true });
  const clients = Array.from({ length: CONNECTIONS }, () => new Redis(server.url, { maxRetriesPerRequest: null }));
  try {
    // The baseline runs before and after the holds, so a busy neighbour on a
    // shared machine shows up as a gap between the two rather than a skewed ratio.
    const before = await evalshaBaseline(clients, IN_FLIGHT, 'EVALSHA return 1 (pre)', OPERATIONS);
    const { holds, releases, refused } = await benchHolds(clients);
    const after = await evalshaBaseline(clients, IN_FLIGHT, 'EVALSHA return 1 (post)', OPERATIONS);
    const holdRate = holds.count / holds.seconds;
    const baseRate = (before.count + after.count) / (before.seconds + after.seconds);
    console.log(
      `seat engine bench: ${SECTIONS} sections x ${ROWS} rows x ${SEATS_PER_ROW} seats, ` +
        `party of ${PARTY}, ${IN_FLIGHT} in flight over ${CONNECTIONS} connections, append-only on, ` +
        `load average ${loadAverage()}`,
    );
    console.log(`${'operation'.padEnd(25)}${'ops'.padStart(7)}${'ops/s'.padStart(9)}${'p50 ms'.padStart(8)}${'p99 ms'.padStart(8)}`);
    console.log(tableRow(holds, refused ? `(${refused} refused)` : ''));
    console.log(tableRow(releases, '(same run as the holds)'));
    console.log(tableRow(before));
    console.log(tableRow(after));
    console.log(
      `holds/s vs baseline (pre and post together): ${(holdRate / baseRate).toFixed(2)}   ` +
        `script calls/s (holds + releases) vs baseline: ${((holds.count + releases.count) / holds.seconds / baseRate).toFixed(2)}`,
    );
  } finally {
    await Promise.all(clients.map((c) => c.quit()));
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
