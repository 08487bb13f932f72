// The on-sale rush on a Redis Cluster and with several web processes: four
// runs, each on a fresh store, in this order: one private redis-server with
// one web process, then two; a private Redis Cluster (three masters, three
// replicas, test/support/redis-cluster.ts) with one web process, then two.
// Every run has one worker process besides (`bin/box-office web` ×N and
// `bin/box-office worker`, each on a PORT of its own, as docker compose runs
// them). BENCH_CLUSTER_CUSTOMERS (1,200) SMS customers text "2 tickets rush
// section 10N" for the 500 seats of bench/catalog/rush-500.json,
// BENCH_IN_FLIGHT (50) at a time, round-robin over the web processes; then
// every held order pays (a signed checkout.session.completed each, round-robin
// too) and the worker sells the seats and texts the tickets.
//
// Printed per run: turns/s and webhook acknowledgements/s beside the BullMQ
// Queue.add and EVALSHA baselines measured on that run's store before and
// after; CPU seconds and ms per turn of every box office process (from
// /proc), of the store's redis-servers (INFO cpu) and of the customers' side
// (this process); the invariants of the rush (bench/support/rush.ts). Then a
// summary of the four runs, and what the CPU per turn means in cores. Exits
// non-zero if an invariant breaks.
//
//   npm run bench:cluster   (BENCH_CLUSTER_CUSTOMERS=1200 BENCH_IN_FLIGHT=50 BENCH_STRIPE_LATENCY_MS=0 BENCH_TWILIO_LATENCY_MS=0)
import { measureBaselines } from './support/baselines.js';
import { envNumber, startBenchOffice, type BenchOffice, type BenchRole, type BenchStore } from './support/box-office.process.js';
import { loadAverage, merged, perSecond, ratioLine, TABLE_HEADER, tableRow, type Measured } from './support/measure.js';
import { payAndDeliver } from './support/payments.js';
import { checkAfterPayment, checkAfterRush, heldOrders, invariantsLine, outcomeOf, rush, RUSH_CATALOG } from './support/rush.js';

const CUSTOMERS = envNumber('BENCH_CLUSTER_CUSTOMERS', 1200);
/** Concurrency of the texts, the payments and the baselines. */
const IN_FLIGHT = envNumber('BENCH_IN_FLIGHT', 50);
const STRIPE_LATENCY_MS = envNumber('BENCH_STRIPE_LATENCY_MS', 0);
const TWILIO_LATENCY_MS = envNumber('BENCH_TWILIO_LATENCY_MS', 0);

const RUNS: Array<{ store: BenchStore; webs: number }> = [
  { store: 'redis', webs: 1 },
  { store: 'redis', webs: 2 },
  { store: 'cluster', webs: 1 },
  { store: 'cluster', webs: 2 },
];

const STORE_NAMES: Record<BenchStore, string> = { redis: 'single Redis', cluster: 'Redis Cluster' };

/** CPU seconds used so far: each box office process (NaN without /proc), the store's servers, this process. */
interface CpuReading {
  processes: number[];
  store: number;
  client: NodeJS.CpuUsage;
}

async function readCpu(office: BenchOffice): Promise<CpuReading> {
  return { processes: office.processes.map((p) => p.cpuSeconds() ?? Number.NaN), store: await office.storeCpuSeconds(), client: process.cpuUsage() };
}

/** CPU seconds between two readings, per process, then the store and this process. */
function spent(from: CpuReading, to: CpuReading): { processes: number[]; store: number; client: number } {
  const client = to.client.user + to.client.system - from.client.user - from.client.system;
  return { processes: to.processes.map((s, i) => s - from.processes[i]!), store: to.store - from.store, client: client / 1e6 };
}

interface RunSummary {
  label: string;
  turnsPerSecond: number;
  acksPerSecond: number;
  /** ms of CPU per SMS turn over the texts: the web processes summed, the worker, the store, everything of the box office's. */
  webMsPerTurn: number;
  workerMsPerTurn: number;
  storeMsPerTurn: number;
  /** Every box office process over texts and payments, per SMS turn: a turn with its share of this rush's payments. */
  allInMsPerTurn: number;
  turnsVsEvalsha: number;
  problems: string[];
}

async function runOnce(store: BenchStore, webs: number): Promise<RunSummary> {
  const roles: BenchRole[] = [...Array.from({ length: webs }, () => 'web' as const), 'worker'];
  const label = `${STORE_NAMES[store]} × ${webs} web`;
  const office = await startBenchOffice({ catalogPath: RUSH_CATALOG, stripeLatencyMs: STRIPE_LATENCY_MS, twilioLatencyMs: TWILIO_LATENCY_MS, store, roles });
  const problems: string[] = [];
  try {
    const loadBefore = loadAverage();
    const before = await measureBaselines(office.redis, IN_FLIGHT, 'before');
    const atStart = await readCpu(office);
    const run = await rush(office, CUSTOMERS, IN_FLIGHT);
    const afterTexts = await readCpu(office);
    const held = heldOrders(run.answers);
    problems.push(...(await checkAfterRush(office, run.answers, held)));
    const paid = await payAndDeliver(office, held, { duplicateShare: 0, inFlight: IN_FLIGHT });
    const afterPayments = await readCpu(office);
    problems.push(...paid.problems);
    const { problems: afterPay, sold, stillHeld, capacity } = await checkAfterPayment(office, held);
    problems.push(...afterPay);
    const after = await measureBaselines(office.redis, IN_FLIGHT, 'after');
    const crashed = office.processes.filter((p) => p.exit());
    if (crashed.length > 0) problems.push(`${crashed.map((p) => `${p.role} ${p.pid} ended ${JSON.stringify(p.exit())}`).join(', ')}`);

    const turns: Measured = { name: 'SMS turns', count: CUSTOMERS, seconds: run.seconds, latenciesMs: run.latencies };
    const queueAdd = merged('Queue.add', before.queueAdd, after.queueAdd);
    const evalsha = merged('EVALSHA', before.evalsha, after.evalsha);
    const texts = spent(atStart, afterTexts);
    const payments = spent(afterTexts, afterPayments);
    const outcomes = (outcome: ReturnType<typeof outcomeOf>) => run.answers.filter((a) => outcomeOf(a) === outcome).length;

    console.log(
      `\n${label} process${webs > 1 ? 'es' : ''} + 1 worker: ${CUSTOMERS} SMS customers, ${IN_FLIGHT} in flight, round-robin; ${capacity} seats; ` +
        `Stripe latency ${STRIPE_LATENCY_MS} ms, Twilio ${TWILIO_LATENCY_MS} ms; load average ${loadBefore} before, ${loadAverage()} after`,
    );
    console.log(TABLE_HEADER);
    console.log(tableRow(turns, `over ${webs} web process${webs > 1 ? 'es' : ''}`));
    console.log(tableRow(paid.acks, `payments of the ${held.length} held orders`));
    for (const b of [before.queueAdd, after.queueAdd, before.evalsha, after.evalsha]) console.log(tableRow(b, `baseline on this ${STORE_NAMES[store]}, ${IN_FLIGHT} in flight`));
    console.log(ratioLine('SMS turns', perSecond(turns), [queueAdd, evalsha]));
    console.log(ratioLine('webhook acknowledgements', perSecond(paid.acks), [queueAdd, evalsha]));
    console.log(
      `outcome: ${held.length} held, ${outcomes('sold out')} told sold out, ${outcomes('other')} other; then ${sold} seats sold, ${stillHeld} still held, ` +
        `${office.twilio.messages.length} ticket SMS; orders fulfilled and texted ${(held.length / paid.fulfilSeconds).toFixed(0)}/s`,
    );
    const cpuRow = (name: string, onTexts: number, onPayments: number) =>
      `  ${name.padEnd(30)}${`${onTexts.toFixed(2)} s`.padStart(9)}${`${((onTexts * 1000) / CUSTOMERS).toFixed(3)} ms`.padStart(12)}` +
      `${`${onPayments.toFixed(2)} s`.padStart(11)}${`${held.length === 0 ? '-' : ((onPayments * 1000) / held.length).toFixed(3)} ms`.padStart(12)}`;
    console.log(`CPU (user + system)${''.padEnd(13)}${'texts'.padStart(9)}${'per turn'.padStart(12)}${'payments'.padStart(11)}${'per order'.padStart(12)}`);
    office.processes.forEach((p, i) => {
      const name = p.role === 'worker' ? `worker (pid ${p.pid})` : `web ${office.baseUrls.indexOf(p.baseUrl) + 1} (pid ${p.pid})`;
      console.log(cpuRow(name, texts.processes[i]!, payments.processes[i]!));
    });
    console.log(cpuRow(`redis-server ×${store === 'cluster' ? 6 : 1}`, texts.store, payments.store));
    console.log(cpuRow("customers' side (this process)", texts.client, payments.client));
    console.log(invariantsLine(problems));

    const isWeb = (i: number) => office.processes[i]!.role !== 'worker';
    const sum = (values: number[]) => values.reduce((total, v) => total + v, 0);
    const perTurn = (seconds: number) => (seconds * 1000) / CUSTOMERS;
    return {
      label,
      turnsPerSecond: perSecond(turns),
      acksPerSecond: perSecond(paid.acks),
      webMsPerTurn: perTurn(sum(texts.processes.filter((_, i) => isWeb(i)))),
      workerMsPerTurn: perTurn(sum(texts.processes.filter((_, i) => !isWeb(i)))),
      storeMsPerTurn: perTurn(texts.store),
      allInMsPerTurn: perTurn(sum(texts.processes) + sum(payments.processes)),
      turnsVsEvalsha: perSecond(turns) / perSecond(evalsha),
      problems,
    };
  } finally {
    await office.stop();
  }
}

const summaries: RunSummary[] = [];
for (const { store, webs } of RUNS) summaries.push(await runOnce(store, webs));

const range = (values: number[], digits: number, scale = 1) => {
  const [low, high] = [Math.min(...values) * scale, Math.max(...values) * scale];
  return low.toFixed(digits) === high.toFixed(digits) ? low.toFixed(digits) : `${low.toFixed(digits)}–${high.toFixed(digits)}`;
};
console.log(`\nsummary: ${CUSTOMERS} SMS customers, ${IN_FLIGHT} in flight, Stripe ${STRIPE_LATENCY_MS} ms; CPU per turn over the texts`);
const header = ['run', 'turns/s', 'acks/s', 'web ms/turn', 'worker ms/turn', 'Redis ms/turn', 'turns/EVALSHA', 'invariants'];
const widths = [24, 9, 9, 13, 16, 15, 15, 12];
const row = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('');
console.log(row(header));
for (const s of summaries) {
  console.log(
    row([
      s.label,
      s.turnsPerSecond.toFixed(0),
      s.acksPerSecond.toFixed(0),
      s.webMsPerTurn.toFixed(2),
      s.workerMsPerTurn.toFixed(3),
      s.storeMsPerTurn.toFixed(2),
      s.turnsVsEvalsha.toFixed(4),
      s.problems.length === 0 ? 'hold' : `${s.problems.length} BROKEN`,
    ]),
  );
}
// A turn's CPU, web and worker together: over the texts alone, and with this rush's payments spread over its turns.
const turnOnly = summaries.map((s) => s.webMsPerTurn + s.workerMsPerTurn);
const allIn = summaries.map((s) => s.allInMsPerTurn);
console.log(
  `cores for the box office (web + worker, ${range(turnOnly, 2)} ms per turn; ${range(allIn, 2)} ms with the payments): ` +
    `1,000 turns/s need ${range(turnOnly, 1)} cores (${range(allIn, 1)}), 10,000 turns/s ${range(turnOnly, 0, 10)} (${range(allIn, 0, 10)}); ` +
    `Redis apart, ${range(summaries.map((s) => s.storeMsPerTurn), 2)} ms per turn more`,
);
process.exit(summaries.every((s) => s.problems.length === 0) ? 0 : 1);
