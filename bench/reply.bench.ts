// A returning customer buys in one reply: how many messages, and how long
// from "2 tickets …" to the tickets text, beside a first-time customer paying
// on the payment page in the same run. BENCH_REPLY_CUSTOMERS (40) customers
// each buy once on the page, ticking "save my card" (Stripe delivers
// checkout.session.completed), and then:
//   by reply  text "2 tickets storm section …" (the answer offers YES with
//             Visa ending 4242), text "YES" (the card is charged off-session),
//             Stripe delivers payment_intent.succeeded, the tickets text
//             reaches Twilio;
//   by page   (the baseline) a customer with no saved card texts the same,
//             the page is paid at once (no human time on it), Stripe delivers
//             checkout.session.completed, the tickets text reaches Twilio.
// One customer at a time (BENCH_IN_FLIGHT, 1): this measures the wait each
// customer has, not throughput. The box office runs compiled, in its own
// process, on a private redis-server, with Stripe and Twilio as local
// servers answering after BENCH_STRIPE_LATENCY_MS and BENCH_TWILIO_LATENCY_MS
// (0). The raw baseline is BullMQ's Queue.add and EVALSHA on the same Redis.
// The run exits non-zero if any customer did not get exactly their tickets.
//
//   npm run bench:reply   (BENCH_REPLY_CUSTOMERS=40 BENCH_IN_FLIGHT=1 BENCH_STRIPE_LATENCY_MS=0 BENCH_TWILIO_LATENCY_MS=0)
import Stripe from 'stripe';
import { measureBaselines } from './support/baselines.js';
import { BENCH, envNumber, startBenchOffice, waitFor, type BenchOffice } from './support/box-office.process.js';
import { deliverCompleted, orderIdIn, phone, text } from './support/customers.js';
import { atConcurrency, latency, loadAverage, TABLE_HEADER, tableRow, timed, type Measured } from './support/measure.js';

const CUSTOMERS = envNumber('BENCH_REPLY_CUSTOMERS', 40);
const IN_FLIGHT = envNumber('BENCH_IN_FLIGHT', 1);
const STRIPE_LATENCY_MS = envNumber('BENCH_STRIPE_LATENCY_MS', 0);
const TWILIO_LATENCY_MS = envNumber('BENCH_TWILIO_LATENCY_MS', 0);
const SECTIONS = 5;
/** Customers 0..CUSTOMERS-1 save a card and buy again by reply; CUSTOMERS.. buy once on the page. */
const FIRST_TIME = CUSTOMERS;

const office = await startBenchOffice({
  catalogPath: 'bench/catalog/storm-4800.json',
  stripeLatencyMs: STRIPE_LATENCY_MS,
  twilioLatencyMs: TWILIO_LATENCY_MS,
  env: { SAVED_CARDS: 'on' },
});
const problems: string[] = [];

/** Texts from the box office to customer n so far. */
const textsTo = (n: number) => office.twilio.messages.filter((message) => message.to === phone(n)).map((message) => message.body);

async function ticketsTextNumber(n: number, count: number, what: string): Promise<void> {
  await waitFor(() => textsTo(n).filter((body) => body.includes('Your tickets')).length >= count, 30_000, `${what} for customer ${n}`, () => office.exit() !== undefined);
}

/** Customer n texts for two seats; the order id of the answer's pay link, and the answer. */
async function hold(n: number): Promise<{ orderId: string; answer: string }> {
  const answer = await text(office.baseUrl, n, `2 tickets storm section ${101 + (n % SECTIONS)}`);
  const orderId = orderIdIn(answer);
  if (!orderId) throw new Error(`customer ${n} got no pay link: ${answer.messages.join(' / ')}`);
  return { orderId, answer: answer.messages.join('\n') };
}

/** The page is paid (saving the card or not) and Stripe says so. */
async function payOnPage(orderId: string, saveCard: boolean): Promise<void> {
  const session = [...office.stripe.sessions.values()].find((s) => s.client_reference_id === orderId);
  if (!session) throw new Error(`no session for ${orderId}`);
  const status = await deliverCompleted(office.baseUrl, `evt_bench_${orderId}`, office.stripe.markPaid(session.id, { saveCard }));
  if (status !== 200) problems.push(`${orderId}: checkout.session.completed answered ${status}`);
}

/** Stripe delivers payment_intent.succeeded for the order's card payment. */
async function deliverCardPayment(office: BenchOffice, orderId: string): Promise<void> {
  const intent = [...office.stripe.paymentIntents.values()].find((pi) => pi.metadata.reference === orderId && pi.status === 'succeeded');
  if (!intent) throw new Error(`no card payment for ${orderId}`);
  const payload = JSON.stringify({ id: `evt_bench_pi_${orderId}`, object: 'event', type: 'payment_intent.succeeded', created: Math.floor(Date.now() / 1000), data: { object: intent } });
  const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: BENCH.stripe.webhookSecret });
  const response = await fetch(`${office.baseUrl}/webhooks/stripe`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': signature }, body: payload });
  await response.arrayBuffer();
  if (response.status !== 200) problems.push(`${orderId}: payment_intent.succeeded answered ${response.status}`);
}

try {
  console.log(`pay-by-reply benchmark: ${CUSTOMERS} returning customers and ${CUSTOMERS} first-time ones, ${IN_FLIGHT} at a time, Stripe latency ${STRIPE_LATENCY_MS} ms, load ${loadAverage()}`);
  const before = await measureBaselines(office.redis, 50, 'before');

  // Each returning customer's first purchase, saving the card.
  for (let n = 0; n < CUSTOMERS; n += 1) {
    const { orderId } = await hold(n);
    await payOnPage(orderId, true);
    await ticketsTextNumber(n, 1, 'the first tickets text');
  }

  const yesMs: number[] = [];
  const byReply = await atConcurrency('by reply: text, YES, tickets', CUSTOMERS, IN_FLIGHT, async (n) => {
    const { orderId, answer } = await hold(n);
    if (!/Reply YES to pay \$[\d,.]+ with Visa ending 4242, or open /.test(answer)) problems.push(`customer ${n} was not offered YES: ${answer}`);
    const paying = (await timed(yesMs, () => text(office.baseUrl, n, 'YES'))).messages.join('\n');
    if (!paying.startsWith('Paying ')) problems.push(`customer ${n} YES answered: ${paying}`);
    await deliverCardPayment(office, orderId);
    await ticketsTextNumber(n, 2, 'the tickets text paid by reply');
  });

  const byPage = await atConcurrency('by page: text, pay, tickets', CUSTOMERS, IN_FLIGHT, async (i) => {
    const n = FIRST_TIME + i;
    const { orderId } = await hold(n);
    await payOnPage(orderId, false);
    await ticketsTextNumber(n, 1, 'the tickets text paid on the page');
  });

  const after = await measureBaselines(office.redis, 50, 'after');
  const rows: Array<[Measured, string]> = [
    [before.queueAdd, 'raw baseline'],
    [before.evalsha, 'raw baseline'],
    [byReply, '2 customer texts, no page'],
    [{ name: 'YES answered "Paying…"', count: yesMs.length, seconds: yesMs.reduce((a, b) => a + b, 0) / 1000, latenciesMs: yesMs }, 'the card charged before the answer'],
    [byPage, '1 customer text and the payment page'],
    [after.queueAdd, 'raw baseline'],
    [after.evalsha, 'raw baseline'],
  ];
  console.log(TABLE_HEADER);
  for (const [row, note] of rows) console.log(tableRow(row, note));
  const ratio = (p: number) => (latency(byReply, p) / latency(byPage, p)).toFixed(2);
  console.log(`by reply / by page, box office time to tickets: p50 ${ratio(50)}, p99 ${ratio(99)} (the page's own time, a customer typing a card, is not in "by page")`);
  // Every customer: exactly their texts, no more.
  for (let n = 0; n < CUSTOMERS; n += 1) if (textsTo(n).filter((b) => b.includes('Your tickets')).length !== 2) problems.push(`returning customer ${n}: ${textsTo(n).length} texts`);
  for (let i = 0; i < CUSTOMERS; i += 1) if (textsTo(FIRST_TIME + i).filter((b) => b.includes('Your tickets')).length !== 1) problems.push(`first-time customer ${i}: wrong texts`);
  const charges = [...office.stripe.requests].filter((r) => /^\/v1\/payment_intents\/[^/]+\/confirm$/.test(r.path)).length;
  if (charges !== CUSTOMERS) problems.push(`${charges} off-session confirms for ${CUSTOMERS} YESes`);
  console.log(problems.length === 0 ? `all ${CUSTOMERS * 3} purchases ended in exactly their tickets; ${charges} off-session charges for ${CUSTOMERS} YESes` : `PROBLEMS:\n${problems.join('\n')}`);
} finally {
  await office.stop();
}
process.exit(problems.length === 0 ? 0 : 1);
