// Webhook storm: BENCH_STORM_ORDERS (2,000) customers hold seats by text
// first (bench/catalog/storm-4800.json), then Stripe delivers a signed
// checkout.session.completed for every order, BENCH_STORM_DUPLICATES (20%) of
// them twice, half of those as two deliveries at the same moment and half
// resent after the rest, BENCH_STORM_IN_FLIGHT (100) at a time, to the
// compiled box office in its own process. Measured: acknowledgements (verify +
// enqueue + 2xx) per second and their p99, and end to end, orders whose
// tickets reached the local Twilio server per second. The run exits non-zero
// unless every paying customer got exactly one ticket SMS and the seat state
// read from Redis is sound with every seat of every order sold.
//
//   npm run bench:storm   (BENCH_STORM_ORDERS=2000 BENCH_STORM_DUPLICATES=0.2 BENCH_STORM_IN_FLIGHT=100 BENCH_STRIPE_LATENCY_MS=0 BENCH_TWILIO_LATENCY_MS=0)
import { KEY_PREFIX } from '../src/commerce.js';
import { auditSeats } from '../test/support/seat-audit.js';
import { measureBaselines } from './support/baselines.js';
import { envNumber, startBenchOffice } from './support/box-office.process.js';
import { orderIdIn, phone, text } from './support/customers.js';
import { atConcurrency, latency, loadAverage, merged, ratioLine, TABLE_HEADER, tableRow } from './support/measure.js';
import { payAndDeliver, type HeldOrder } from './support/payments.js';

const CATALOG = 'bench/catalog/storm-4800.json';
const EVENT = 'webhook-storm';
const SECTIONS = 12;
const PARTY = 2;
const ORDERS = envNumber('BENCH_STORM_ORDERS', 2000);
const DUPLICATES = Number(process.env.BENCH_STORM_DUPLICATES ?? 0.2);
const STORM_IN_FLIGHT = envNumber('BENCH_STORM_IN_FLIGHT', 100);
/** Concurrency of the texts that make the orders, and of the baselines. */
const IN_FLIGHT = envNumber('BENCH_IN_FLIGHT', 50);
const STRIPE_LATENCY_MS = envNumber('BENCH_STRIPE_LATENCY_MS', 0);
const TWILIO_LATENCY_MS = envNumber('BENCH_TWILIO_LATENCY_MS', 0);

const office = await startBenchOffice({ catalogPath: CATALOG, stripeLatencyMs: STRIPE_LATENCY_MS, twilioLatencyMs: TWILIO_LATENCY_MS });
const problems: string[] = [];
try {
  const loadBefore = loadAverage();
  const before = await measureBaselines(office.redis, IN_FLIGHT, 'before');
  const orders: HeldOrder[] = [];
  const turns = await atConcurrency('SMS turns (setup)', ORDERS, IN_FLIGHT, async (n) => {
    const answer = await text(office.baseUrl, n, `${PARTY} tickets storm section ${101 + (n % SECTIONS)}`);
    const orderId = orderIdIn(answer);
    if (!orderId) throw new Error(`customer ${n} got no pay link: ${answer.status} ${JSON.stringify(answer.messages)}`);
    orders.push({ orderId, phone: phone(n) });
  });
  const storm = await payAndDeliver(office, orders, { duplicateShare: DUPLICATES, inFlight: STORM_IN_FLIGHT });
  problems.push(...storm.problems);
  const seats = await auditSeats(office.redis, office.catalog, EVENT, KEY_PREFIX);
  problems.push(...seats.problems);
  const sold = seats.sections.reduce((sum, s) => sum + s.sold, 0);
  const held = seats.sections.reduce((sum, s) => sum + s.held, 0);
  if (sold !== ORDERS * PARTY || held !== 0) problems.push(`${sold} seats sold and ${held} held for ${ORDERS} paid orders of ${PARTY}`);
  const after = await measureBaselines(office.redis, IN_FLIGHT, 'after');

  const queueAdd = merged('Queue.add', before.queueAdd, after.queueAdd);
  const evalsha = merged('EVALSHA', before.evalsha, after.evalsha);
  console.log(
    `\nwebhook storm: ${ORDERS} held orders, ${storm.acks.count} signed checkout.session.completed deliveries ` +
      `(${storm.duplicates} duplicates), ${STORM_IN_FLIGHT} in flight; Stripe latency ${STRIPE_LATENCY_MS} ms, Twilio ${TWILIO_LATENCY_MS} ms; ` +
      `load average ${loadBefore} before, ${loadAverage()} after`,
  );
  console.log(TABLE_HEADER);
  console.log(tableRow(turns, 'to make the orders'));
  console.log(tableRow(storm.acks, `verify + enqueue, ${STORM_IN_FLIGHT} in flight`));
  for (const b of [before.queueAdd, after.queueAdd, before.evalsha, after.evalsha]) console.log(tableRow(b, `baseline, ${IN_FLIGHT} in flight`));
  console.log(ratioLine('webhook acknowledgements', storm.acks.count / storm.acks.seconds, [queueAdd, evalsha]));
  console.log(ratioLine('orders fulfilled, tickets texted', ORDERS / storm.fulfilSeconds, [queueAdd, evalsha]));
  console.log(
    `outcome: acknowledgement p99 ${latency(storm.acks, 99).toFixed(1)} ms; ${ORDERS} orders fulfilled and texted in ${storm.fulfilSeconds.toFixed(1)} s ` +
      `from the first delivery; ${sold} seats sold, ${held} held; ${office.twilio.messages.length} ticket SMS`,
  );
  console.log(problems.length === 0 ? 'invariants: all hold' : `INVARIANTS BROKEN:\n  ${problems.slice(0, 20).join('\n  ')}`);
} finally {
  await office.stop();
}
process.exit(problems.length === 0 ? 0 : 1);
