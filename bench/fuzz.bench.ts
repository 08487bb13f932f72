// Hostile requests against the compiled box office, over loopback only:
// BENCH_FUZZ_REQUESTS (50,000) requests across every route, for at most
// BENCH_FUZZ_SECONDS (600), BENCH_FUZZ_IN_FLIGHT (64) at a time, drawn from a
// PRNG seeded with BENCH_FUZZ_SEED (13) so a run repeats. The box office runs
// as the other benchmarks run it (bench/support/box-office.process.ts), with
// Stripe and Twilio configured and pointed at the local servers; chat replies
// go to a local connector. Requests that must verify are signed with the SDKs'
// own helpers (twilio.getExpectedTwilioSignature,
// stripe.webhooks.generateTestHeaderString). Printed: counts and latency by
// route and status, the slowest variants, every route and variant that got a
// 5xx or no answer, whether the box office process died, and its resident
// memory (VmRSS, sampled every 200 ms) before, at the peak, at the end of the
// load and after BENCH_FUZZ_IDLE_SECONDS (30) idle, beside the V8 heap it
// reports on /metrics. Exits non-zero if the box office died.
//
// To compare and to find what costs memory: BENCH_FUZZ_ENTRY runs another
// build (a copy of dist/ from before a change); BENCH_FUZZ_RATE caps the
// requests a second, so two builds get the same offered load;
// BENCH_FUZZ_ROUTES (e.g. sms,chat) draws from some routes only;
// BENCH_NODE_OPTIONS and BENCH_FUZZ_SNAPSHOT_SIGNAL take heap snapshots or GC
// traces of the box office (bench/README.md).
//
//   npm run bench:fuzz   (BENCH_FUZZ_REQUESTS=50000 BENCH_FUZZ_SECONDS=600 BENCH_FUZZ_IN_FLIGHT=64 BENCH_FUZZ_SEED=13 BENCH_FUZZ_IDLE_SECONDS=30)
import { performance } from 'node:perf_hooks';
import { startEmulatorConnector } from '../src/channels/chat/emulator-connector.js';
import { freePort } from '../src/redis/redis-server.process.js';
import { DEFAULT_ENTRY, envNumber, startBenchOffice } from './support/box-office.process.js';
import { chatMessage, CLAIMED_STAFF_CHAT, CLAIMED_STAFF_PHONE } from './support/fuzz/chat.requests.js';
import { KnownLinks, sendFuzzRequest, type FuzzRequest, type FuzzWorld } from './support/fuzz/fuzz.request.js';
import { FuzzTally } from './support/fuzz/fuzz.tally.js';
import { Prng } from './support/fuzz/prng.js';
import { heapLine } from './support/fuzz/heap.metrics.js';
import { rssMb, sampleRss } from './support/fuzz/rss.sampler.js';
import { smsInbound, smsStatus } from './support/fuzz/sms.requests.js';
import { stripeWebhook } from './support/fuzz/stripe.requests.js';
import { healthAndMetrics, payLink, queueBoard, staffApi, unknownRoute } from './support/fuzz/web.requests.js';
import { loadAverage } from './support/measure.js';

const REQUESTS = envNumber('BENCH_FUZZ_REQUESTS', 50_000);
const SECONDS = envNumber('BENCH_FUZZ_SECONDS', 600);
const IN_FLIGHT = envNumber('BENCH_FUZZ_IN_FLIGHT', 64);
const SEED = envNumber('BENCH_FUZZ_SEED', 13);
const IDLE_SECONDS = envNumber('BENCH_FUZZ_IDLE_SECONDS', 30);
/**
 * Requests a second at most (0: as fast as the box office answers). The load
 * is otherwise closed-loop, so a faster build is sent more a second; a rate
 * compares two builds under the same offered load.
 */
const RATE = envNumber('BENCH_FUZZ_RATE', 0);
const ENTRY = process.env.BENCH_FUZZ_ENTRY ?? DEFAULT_ENTRY;
/**
 * Sent to the box office when the load ends, e.g. SIGUSR2 with
 * BENCH_NODE_OPTIONS='--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=/tmp':
 * a heap snapshot of what the load left behind. Writing it costs memory of
 * its own, so the RSS after the idle is not comparable in such a run.
 */
const SNAPSHOT_SIGNAL = process.env.BENCH_FUZZ_SNAPSHOT_SIGNAL as NodeJS.Signals | undefined;
/** Longer than any answer should take (Twilio gives a webhook 15 s); past it the request counts as "no answer". */
const REQUEST_TIMEOUT_MS = 30_000;
/** The sample catalog: real events, so real texts hold seats and open Checkout Sessions. */
const CATALOG = 'catalog/sample-events.json';

/** How often each route is drawn: the customer-facing webhooks most. */
const ALL_ROUTES: readonly (readonly [number, (world: FuzzWorld) => FuzzRequest, string])[] = [
  [24, smsInbound, 'sms'],
  [7, smsStatus, 'status'],
  [24, chatMessage, 'chat'],
  [15, stripeWebhook, 'stripe'],
  [9, payLink, 'pay'],
  [9, staffApi, 'staff'],
  [4, queueBoard, 'board'],
  [4, healthAndMetrics, 'health'],
  [4, unknownRoute, 'unknown'],
];
/** BENCH_FUZZ_ROUTES=sms,chat draws from those routes only: what one route costs, measured with and without it. */
const CHOSEN = process.env.BENCH_FUZZ_ROUTES?.split(',').map((name) => name.trim());
const ROUTES = ALL_ROUTES.filter(([, , name]) => !CHOSEN || CHOSEN.includes(name)).map(([weight, make]) => [weight, make] as const);
if (ROUTES.length === 0) throw new Error(`BENCH_FUZZ_ROUTES names none of ${ALL_ROUTES.map(([, , name]) => name).join(', ')}`);

const connector = await startEmulatorConnector();
const office = await startBenchOffice({
  catalogPath: CATALOG,
  stripeLatencyMs: 0,
  twilioLatencyMs: 0,
  entry: ENTRY,
  // Identities a chat client will claim: they must get it nothing.
  env: { STAFF_IDS: `${CLAIMED_STAFF_PHONE},${CLAIMED_STAFF_CHAT}` },
});
let crashed = false;
try {
  const rng = new Prng(SEED);
  const world: FuzzWorld = {
    rng,
    links: new KnownLinks(),
    stripe: office.stripe,
    twilio: office.twilio,
    connectorUrl: connector.url,
    deadUrl: `http://127.0.0.1:${await freePort()}`,
    eventIds: office.catalog.events().map((event) => event.id),
  };
  const rssBefore = rssMb(office.pid);
  const rss = sampleRss(office.pid);
  const tally = new FuzzTally();
  const loadBefore = loadAverage();
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  let sent = 0;
  const lane = async () => {
    while (sent < REQUESTS && performance.now() < deadline && !office.exit()) {
      const due = RATE > 0 ? started + (sent / RATE) * 1000 : 0;
      sent += 1;
      if (due > performance.now()) await new Promise((resolve) => setTimeout(resolve, due - performance.now()));
      const request = rng.weighted(ROUTES)(world);
      const t0 = performance.now();
      const answer = await sendFuzzRequest(office.baseUrl, request, REQUEST_TIMEOUT_MS);
      tally.record(request, answer, performance.now() - t0);
      if (request.route === 'POST /sms/inbound' && 'text' in answer) world.links.harvest(answer.text);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  const seconds = (performance.now() - started) / 1000;
  const rssAtEnd = rssMb(office.pid);
  const heapAtEnd = await heapLine(office.baseUrl);
  if (SNAPSHOT_SIGNAL && office.pid !== undefined) process.kill(office.pid, SNAPSHOT_SIGNAL);
  const loadAfter = loadAverage();
  await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000));
  rss.stop();
  const rssAfter = rssMb(office.pid);
  const heapAfter = await heapLine(office.baseUrl);
  const exit = office.exit();
  crashed = exit !== undefined;

  report({ tally, seconds, loads: [loadBefore, loadAfter], exit, rss: { before: rssBefore, peak: rss.peakMb, atEnd: rssAtEnd, after: rssAfter, samples: rss.samples.length }, heap: [heapAtEnd, heapAfter], world });
} finally {
  await office.stop();
  await connector.close();
}
process.exit(crashed ? 1 : 0);

interface Outcome {
  tally: FuzzTally;
  seconds: number;
  loads: [before: string, after: string];
  exit: ReturnType<typeof office.exit>;
  rss: { before?: number; peak?: number; atEnd?: number; after?: number; samples: number };
  heap: [atEnd: string, afterIdle: string];
  world: FuzzWorld;
}

function report({ tally, seconds, loads, exit, rss, heap, world }: Outcome): void {
  const mb = (value: number | undefined) => (value === undefined ? 'n/a' : `${value.toFixed(0)} MB`);
  const offered = RATE > 0 ? `, offered at most ${RATE}/s` : '';
  console.log(
    `\nfuzz: ${tally.total} hostile requests in ${seconds.toFixed(1)} s (${(tally.total / seconds).toFixed(0)}/s${offered}), ${IN_FLIGHT} in flight, seed ${SEED}, ` +
      `entry ${ENTRY}, routes ${CHOSEN?.join(',') ?? 'all'}; load average ${loads[0]} before, ${loads[1]} after`,
  );
  console.log(`${'route'.padEnd(24)}${'count'.padStart(7)}${'p50 / p99 ms'.padStart(14)}   statuses`);
  for (const line of tally.routeLines()) console.log(line);
  console.log(`by class: ${tally.classLine()}`);
  console.log(`slowest variants (p99):\n${tally.slowestLines(8).join('\n')}`);
  const failures = tally.failureLines();
  console.log(failures.length === 0 ? '5xx or no answer: none' : `5xx or no answer, by route and variant:\n${failures.join('\n')}`);
  console.log(`crashes: ${exit ? `1 (the box office exited: code ${exit.code}, signal ${exit.signal})` : 0}`);
  console.log(
    `box office RSS: ${mb(rss.before)} before, ${mb(rss.peak)} peak, ${mb(rss.atEnd)} at the end of the load, ${mb(rss.after)} after ${IDLE_SECONDS} s idle ` +
      `(VmRSS every 200 ms, ${rss.samples} samples)`,
  );
  console.log(`box office's own account: ${heap[0]} at the end of the load; ${heap[1]} after the idle`);
  console.log(`also: ${world.stripe.sessions.size} Checkout Sessions created, ${world.twilio.messages.length} SMS sent through Twilio REST`);
}
