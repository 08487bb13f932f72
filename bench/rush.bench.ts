// On-sale rush: BENCH_RUSH_CUSTOMERS (2,000) distinct SMS customers text
// "2 tickets rush section 10N" at the same moment for an event of exactly 500
// seats (bench/catalog/rush-500.json: rows of 20, so 250 parties of two fill
// it). Every text is a signed Twilio webhook to the compiled box office in its
// own process. Then every customer who got a pay link pays (a signed
// checkout.session.completed each) and the worker sells the seats and texts
// the tickets. Run once per Stripe latency in BENCH_STRIPE_LATENCY_MS (default
// "0,150"), so the share of a turn that is Stripe's shows apart from ours.
// It also prints the CPU time the box office (from /proc) and the customers'
// side used over the rush: on a shared machine, CPU per turn holds steadier
// than turns per second. BENCH_PROFILE_DIR=<dir> writes the box office's V8
// CPU profile there (summarise it with bench/cpu-profile.summary.ts).
//
// Checked on the seat state read from Redis (test/support/seat-audit.ts), and
// the run exits non-zero if any fails: every customer answered (200, TwiML
// with a non-empty message); no seat held or sold twice; held + sold within
// capacity; one hold per pay link; then every seat of a paid order sold, none
// left held, one ticket SMS per paying customer.
//
//   npm run bench:rush   (BENCH_RUSH_CUSTOMERS=2000 BENCH_RUSH_IN_FLIGHT=<all> BENCH_STRIPE_LATENCY_MS=0,150 BENCH_TWILIO_LATENCY_MS=0 BENCH_IN_FLIGHT=50)
import { measureBaselines } from './support/baselines.js';
import { envNumber, startBenchOffice } from './support/box-office.process.js';
import { latency, loadAverage, merged, ratioLine, TABLE_HEADER, tableRow, type Measured } from './support/measure.js';
import { payAndDeliver } from './support/payments.js';
import { checkAfterPayment, checkAfterRush, heldOrders, invariantsLine, outcomeOf, rush, RUSH_CATALOG, RUSH_PARTY, type Outcome } from './support/rush.js';

const CUSTOMERS = envNumber('BENCH_RUSH_CUSTOMERS', 2000);
const RUSH_IN_FLIGHT = envNumber('BENCH_RUSH_IN_FLIGHT', CUSTOMERS);
/** Concurrency of the payments and of the baselines. */
const IN_FLIGHT = envNumber('BENCH_IN_FLIGHT', 50);
const STRIPE_LATENCIES = (process.env.BENCH_STRIPE_LATENCY_MS ?? '0,150').split(',').map((ms) => Number(ms));
const TWILIO_LATENCY_MS = envNumber('BENCH_TWILIO_LATENCY_MS', 0);
/** Twilio gives up on a webhook after 15 s and the customer gets nothing: https://www.twilio.com/docs/usage/webhooks/webhooks-connection-overrides */
const TWILIO_WEBHOOK_TIMEOUT_MS = 15_000;

async function runOnce(stripeLatencyMs: number): Promise<string[]> {
  const office = await startBenchOffice({ catalogPath: RUSH_CATALOG, stripeLatencyMs, twilioLatencyMs: TWILIO_LATENCY_MS });
  const problems: string[] = [];
  try {
    const loadBefore = loadAverage();
    const before = await measureBaselines(office.redis, IN_FLIGHT, 'before');
    const cpuBefore = office.cpuSeconds();
    const clientCpu = process.cpuUsage();
    const { answers, latencies, answeredAt, seconds } = await rush(office, CUSTOMERS, RUSH_IN_FLIGHT);
    const cpuAfter = office.cpuSeconds();
    const { user, system } = process.cpuUsage(clientCpu);
    // A kind of answer's rate runs from the first text to the last answer of that kind: holds per second until the last hold.
    const by = (outcome: Outcome | 'all') => {
      const ns = answers.flatMap((answer, n) => (outcome === 'all' || outcomeOf(answer) === outcome ? [n] : []));
      const until = outcome === 'all' ? seconds : Math.max(0, ...ns.map((n) => answeredAt[n]!)) / 1000;
      return { name: `turns: ${outcome}`, count: ns.length, seconds: until, latenciesMs: ns.map((n) => latencies[n]!) } satisfies Measured;
    };
    const turns = by('all');
    const held = heldOrders(answers);
    problems.push(...(await checkAfterRush(office, answers, held)));

    const paid = await payAndDeliver(office, held, { duplicateShare: 0, inFlight: IN_FLIGHT });
    problems.push(...paid.problems);
    const { problems: afterPay, sold, stillHeld, capacity } = await checkAfterPayment(office, held);
    problems.push(...afterPay);
    const after = await measureBaselines(office.redis, IN_FLIGHT, 'after');

    const queueAdd = merged('Queue.add', before.queueAdd, after.queueAdd);
    const evalsha = merged('EVALSHA', before.evalsha, after.evalsha);
    const overTimeout = latencies.filter((ms) => ms > TWILIO_WEBHOOK_TIMEOUT_MS).length;
    console.log(
      `\non-sale rush: ${CUSTOMERS} SMS customers, ${Math.min(RUSH_IN_FLIGHT, CUSTOMERS)} at once, ${capacity} seats, parties of ${RUSH_PARTY}; ` +
        `Stripe latency ${stripeLatencyMs} ms, Twilio ${TWILIO_LATENCY_MS} ms; load average ${loadBefore} before, ${loadAverage()} after`,
    );
    console.log(TABLE_HEADER);
    console.log(tableRow(turns));
    console.log(tableRow(by('held'), `last hold ${by('held').seconds.toFixed(1)} s in; each waited ${stripeLatencyMs} ms on Stripe (one Checkout Session)`));
    console.log(tableRow(by('sold out'), 'no Stripe call'));
    if (by('other').count > 0) console.log(tableRow(by('other'), `e.g. ${JSON.stringify(answers.find((a) => outcomeOf(a) === 'other')?.messages)}`));
    console.log(tableRow(paid.acks, `payments of the ${held.length} held orders`));
    for (const b of [before.queueAdd, after.queueAdd, before.evalsha, after.evalsha]) console.log(tableRow(b, `baseline, ${IN_FLIGHT} in flight`));
    console.log(ratioLine('SMS turns', turns.count / seconds, [queueAdd, evalsha]));
    console.log(ratioLine('webhook acknowledgements', paid.acks.count / paid.acks.seconds, [queueAdd, evalsha]));
    console.log(ratioLine('orders fulfilled, tickets texted', held.length / paid.fulfilSeconds, [queueAdd, evalsha]));
    console.log(
      `outcome: ${held.length} held (${held.length * RUSH_PARTY} seats), ${by('sold out').count} told sold out, ${by('other').count} other; ` +
        `then ${sold} seats sold, ${stillHeld} still held, ${office.twilio.messages.length} ticket SMS; ` +
        `turn p99 ${latency(turns, 99).toFixed(0)} ms, ${overTimeout} answers slower than Twilio's 15 s webhook timeout`,
    );
    // On a small machine the customers' side (signing, sending, reading 2,000 requests) competes with the box office for the same cores.
    const perTurn = (cpuSeconds: number) => `${cpuSeconds.toFixed(2)} s, ${((cpuSeconds * 1000) / CUSTOMERS).toFixed(2)} ms per SMS turn`;
    console.log(
      `CPU over the rush: box office ${cpuBefore === undefined || cpuAfter === undefined ? 'not measured (no /proc)' : perTurn(cpuAfter - cpuBefore)} (every thread); ` +
        `the customers' side, in this process, ${perTurn((user + system) / 1e6)}`,
    );
    console.log(invariantsLine(problems));
  } finally {
    await office.stop();
  }
  return problems;
}

let broken = 0;
for (const stripeLatencyMs of STRIPE_LATENCIES) broken += (await runOnce(stripeLatencyMs)).length;
process.exit(broken === 0 ? 0 : 1);
