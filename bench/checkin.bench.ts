// Check-in at the doors: BENCH_CHECKIN_TICKETS (2,000) tickets, sold the way
// the webhook storm sells them (parties of two text for seats, 50 in flight,
// then every order pays by a signed checkout.session.completed and the worker
// issues the tickets), are scanned at `POST /staff/checkin` with their signed
// scan values (TicketSigner.scanValue, the key the benchmark gives the box
// office as TICKET_SIGNING_KEY), BENCH_IN_FLIGHT (50) at a time: first every
// ticket once (each must be admitted, 200), then every ticket again (each must
// be refused, 409 already_admitted). Then a race: BENCH_CHECKIN_RACE (200)
// scans of one fresh ticket at the same moment, of which exactly one may
// admit. Checked too: the inventory's `admitted` per section
// (`GET /staff/events/:id/inventory`) sums to the tickets admitted, after the
// two passes and after the race. The run exits non-zero if any fails.
//
// Doors open CHECKIN_OPENS_HOURS_BEFORE (6 by default) hours before an
// event's start, and the bench catalogs roll their events to months ahead, so
// the storm's catalog is written for this run with its event starting
// EVENT_STARTS_IN_HOURS from now (and not rolled forward), as a real door
// opening would see it.
//
//   npm run bench:checkin   (BENCH_CHECKIN_TICKETS=2000 BENCH_CHECKIN_RACE=200 BENCH_IN_FLIGHT=50)
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TicketSigner } from '../src/tickets/scan-code.js';
import { measureBaselines } from './support/baselines.js';
import { BENCH, envNumber, startBenchOffice, type BenchOffice } from './support/box-office.process.js';
import { orderIdIn, phone, text } from './support/customers.js';
import { atConcurrency, latency, loadAverage, merged, ratioLine, TABLE_HEADER, tableRow, type Measured } from './support/measure.js';
import { payAndDeliver, type HeldOrder } from './support/payments.js';
import { invariantsLine } from './support/rush.js';

const SOURCE_CATALOG = 'bench/catalog/storm-4800.json';
const PARTY = 2;
const TICKETS = envNumber('BENCH_CHECKIN_TICKETS', 2000);
const RACE = envNumber('BENCH_CHECKIN_RACE', 200);
/** Concurrency of the scans, of the texts and payments that make the tickets, and of the baselines. */
const IN_FLIGHT = envNumber('BENCH_IN_FLIGHT', 50);
/** The event starts this long after the run begins: inside the doors' window, and far from its end. */
const EVENT_STARTS_IN_HOURS = 2;
const OPENS_HOURS_BEFORE = 6;
const GATES = ['north', 'south', 'east', 'west'];

if (TICKETS === 0 || TICKETS % PARTY !== 0) throw new Error(`BENCH_CHECKIN_TICKETS must be a positive multiple of ${PARTY}, got ${TICKETS}`);
/** One more order than the passes need: its first ticket is the race's, scanned by nothing else. */
const ORDERS = TICKETS / PARTY + 1;

interface CatalogFile {
  events: Array<{ id: string; aliases: string[]; startsAt: string; sections: Array<{ id: string }> }>;
}

/** The storm's catalog with its event EVENT_STARTS_IN_HOURS from now, in `dir`: its path, event and section ids. */
function datedCatalog(dir: string): { path: string; eventId: string; alias: string; sectionIds: string[] } {
  const source = JSON.parse(readFileSync(SOURCE_CATALOG, 'utf8')) as CatalogFile & { rollForward?: boolean };
  const { rollForward: _rolled, ...catalog } = source;
  const event = catalog.events[0]!;
  event.startsAt = new Date(Date.now() + EVENT_STARTS_IN_HOURS * 3_600_000).toISOString();
  const path = join(dir, 'checkin-catalog.json');
  writeFileSync(path, JSON.stringify(catalog));
  return { path, eventId: event.id, alias: event.aliases[0]!, sectionIds: event.sections.map((s) => s.id) };
}

const staffHeaders = { authorization: `Bearer ${BENCH.staffToken}`, 'content-type': 'application/json' };

interface Scan {
  status: number;
  admitted?: boolean;
  reason?: string;
  code?: string;
}

/** One scan at a door; resolves with the status and what the body says. */
async function scan(baseUrl: string, value: string, gate: string): Promise<Scan> {
  const response = await fetch(`${baseUrl}/staff/checkin`, { method: 'POST', headers: staffHeaders, body: JSON.stringify({ code: value, gate }) });
  const body = (await response.json().catch(() => ({}))) as { admitted?: boolean; reason?: string; ticket?: { code?: string } };
  return { status: response.status, admitted: body.admitted, reason: body.reason, code: body.ticket?.code };
}

/** The tickets of a fulfilled order, read through the staff API. */
async function ticketsOf(baseUrl: string, orderId: string): Promise<{ state: string; tickets: string[] }> {
  const response = await fetch(`${baseUrl}/staff/orders/${orderId}`, { headers: staffHeaders });
  if (response.status !== 200) throw new Error(`GET /staff/orders/${orderId} answered ${response.status}`);
  const { order } = (await response.json()) as { order: { state: string; tickets: string[] } };
  return order;
}

/** Admitted per section from the staff inventory, summed. */
async function admittedInInventory(baseUrl: string, eventId: string): Promise<number> {
  const response = await fetch(`${baseUrl}/staff/events/${eventId}/inventory`, { headers: staffHeaders });
  if (response.status !== 200) throw new Error(`GET /staff/events/${eventId}/inventory answered ${response.status}`);
  const { sections } = (await response.json()) as { sections: Array<{ admitted: number }> };
  return sections.reduce((sum, s) => sum + s.admitted, 0);
}

/** Counts of each kind of answer, e.g. `200 admitted × 1999, 409 already_admitted × 1`. */
function tally(scans: readonly Scan[]): string {
  const counts = new Map<string, number>();
  for (const s of scans) {
    const key = `${s.status} ${s.admitted ? 'admitted' : (s.reason ?? '?')}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([key, n]) => `${key} × ${n}`).join(', ');
}

/** The CPU seconds the box office used since `before`, and per operation: `count` operations of `what`. */
function cpuPer(office: BenchOffice, before: number | undefined, count: number, what: string): string {
  const after = office.cpuSeconds();
  if (before === undefined || after === undefined) return 'not measured (no /proc)';
  return `${(after - before).toFixed(2)} s, ${(((after - before) * 1000) / count).toFixed(2)} ms per ${what}`;
}

const dir = mkdtempSync(join(tmpdir(), 'box-office-checkin-'));
const catalog = datedCatalog(dir);
const signingKey = TicketSigner.newPrivateKeyPem();
const signer = new TicketSigner(signingKey);
const office = await startBenchOffice({
  catalogPath: catalog.path,
  stripeLatencyMs: 0,
  twilioLatencyMs: 0,
  env: { TICKET_SIGNING_KEY: signingKey, CHECKIN_OPENS_HOURS_BEFORE: String(OPENS_HOURS_BEFORE) },
});
const problems: string[] = [];
try {
  const loadBefore = loadAverage();
  const before = await measureBaselines(office.redis, IN_FLIGHT, 'before');

  // The tickets: ORDERS parties of two hold, pay, and are texted their tickets.
  const orders: HeldOrder[] = [];
  const turns = await atConcurrency('SMS turns (setup)', ORDERS, IN_FLIGHT, async (n) => {
    const section = catalog.sectionIds[n % catalog.sectionIds.length]!;
    const answer = await text(office.baseUrl, n, `${PARTY} tickets ${catalog.alias} section ${section}`);
    const orderId = orderIdIn(answer);
    if (!orderId) throw new Error(`customer ${n} got no pay link: ${answer.status} ${JSON.stringify(answer.messages)}`);
    orders[n] = { orderId, phone: phone(n) };
  });
  const paid = await payAndDeliver(office, orders, { duplicateShare: 0, inFlight: IN_FLIGHT });
  problems.push(...paid.problems);
  const codes: string[][] = [];
  const reads = await atConcurrency('GET /staff/orders/:id', ORDERS, IN_FLIGHT, async (n) => {
    const order = await ticketsOf(office.baseUrl, orders[n]!.orderId);
    if (order.state !== 'fulfilled' || order.tickets.length !== PARTY) problems.push(`order ${orders[n]!.orderId}: ${order.state}, ${order.tickets.length} tickets`);
    codes[n] = order.tickets;
  });
  const raceCode = codes[ORDERS - 1]![0]!;
  const tickets = codes.slice(0, ORDERS - 1).flat();
  if (tickets.length !== TICKETS || new Set(tickets).size !== TICKETS) problems.push(`${new Set(tickets).size} distinct tickets for ${TICKETS}`);
  // Signed before the clock starts: the door's scanner, not the box office, makes these.
  const values = tickets.map((code) => signer.scanValue(code));
  const gateOf = (n: number) => GATES[n % GATES.length]!;

  // First pass: every ticket admitted once.
  const firstScans: Scan[] = [];
  const cpuFirst = office.cpuSeconds();
  const first = await atConcurrency('check-in, first scan', TICKETS, IN_FLIGHT, async (n) => {
    firstScans[n] = await scan(office.baseUrl, values[n]!, gateOf(n));
  });
  const cpuFirstLine = cpuPer(office, cpuFirst, TICKETS, 'check-in');
  firstScans.forEach((s, n) => {
    if (s.status !== 200 || s.admitted !== true || s.code !== tickets[n]) problems.push(`first scan of ${tickets[n]}: ${s.status} ${s.reason ?? ''}`);
  });

  // Second pass: every ticket again, every one refused.
  const secondScans: Scan[] = [];
  const cpuSecond = office.cpuSeconds();
  const second = await atConcurrency('check-in, second scan', TICKETS, IN_FLIGHT, async (n) => {
    secondScans[n] = await scan(office.baseUrl, values[n]!, gateOf(n + 1));
  });
  const cpuSecondLine = cpuPer(office, cpuSecond, TICKETS, 'second scan');
  secondScans.forEach((s, n) => {
    if (s.status !== 409 || s.admitted !== false || s.reason !== 'already_admitted') problems.push(`second scan of ${tickets[n]}: ${s.status} ${s.reason ?? ''}`);
  });
  const admittedAfterPasses = await admittedInInventory(office.baseUrl, catalog.eventId);
  if (admittedAfterPasses !== TICKETS) problems.push(`inventory: ${admittedAfterPasses} admitted after the two passes, for ${TICKETS} tickets`);

  // The race: one fresh ticket, RACE scans at the same moment, at as many gates.
  const raceValue = signer.scanValue(raceCode);
  const raceScans: Scan[] = [];
  const race = await atConcurrency(`race, one ticket × ${RACE}`, RACE, RACE, async (n) => {
    raceScans[n] = await scan(office.baseUrl, raceValue, `gate ${n}`);
  });
  const raceAdmitted = raceScans.filter((s) => s.status === 200 && s.admitted === true).length;
  const raceRefused = raceScans.filter((s) => s.status === 409 && s.reason === 'already_admitted').length;
  if (raceAdmitted !== 1 || raceRefused !== RACE - 1) problems.push(`race: ${tally(raceScans)}; exactly one admission expected`);
  const admittedAfterRace = await admittedInInventory(office.baseUrl, catalog.eventId);
  if (admittedAfterRace !== TICKETS + 1) problems.push(`inventory: ${admittedAfterRace} admitted after the race, for ${TICKETS + 1} tickets`);
  if (office.exit()) problems.push(`the box office ended: ${JSON.stringify(office.exit())}`);

  const after = await measureBaselines(office.redis, IN_FLIGHT, 'after');
  const queueAdd = merged('Queue.add', before.queueAdd, after.queueAdd);
  const evalsha = merged('EVALSHA', before.evalsha, after.evalsha);
  const rate = (m: Measured) => m.count / m.seconds;
  console.log(
    `\ncheck-in: ${TICKETS} tickets (${ORDERS - 1} paid orders of ${PARTY}) scanned by signed value at POST /staff/checkin, ${IN_FLIGHT} in flight, ` +
      `twice; then ${RACE} scans of one fresh ticket at once; load average ${loadBefore} before, ${loadAverage()} after`,
  );
  console.log(TABLE_HEADER);
  console.log(tableRow(turns, 'setup: holds by text'));
  console.log(tableRow(paid.acks, 'setup: payments'));
  console.log(tableRow(reads, 'setup: the tickets of each order'));
  console.log(tableRow(first, 'each admitted, 200'));
  console.log(tableRow(second, 'each refused, 409 already_admitted'));
  console.log(tableRow(race, `all ${RACE} sent at once`));
  for (const b of [before.queueAdd, after.queueAdd, before.evalsha, after.evalsha]) console.log(tableRow(b, `baseline, ${IN_FLIGHT} in flight`));
  console.log(ratioLine('check-ins (first scans)', rate(first), [queueAdd, evalsha]));
  console.log(ratioLine('second scans (refused)', rate(second), [queueAdd, evalsha]));
  console.log(
    `outcome: first scans ${tally(firstScans)}; second scans ${tally(secondScans)}; race ${tally(raceScans)}; ` +
      `inventory admitted ${admittedAfterPasses} after the passes, ${admittedAfterRace} after the race; ` +
      `check-in p50 ${latency(first, 50).toFixed(1)} ms, p99 ${latency(first, 99).toFixed(1)} ms`,
  );
  console.log(`CPU: box office over the first scans ${cpuFirstLine}; over the second scans ${cpuSecondLine} (every thread)`);
  console.log(invariantsLine(problems));
} finally {
  await office.stop();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(problems.length === 0 ? 0 : 1);
