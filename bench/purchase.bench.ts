// Buying by text, end to end, on this machine:
//   1. turns: distinct SMS customers text "2 tickets bench section N" at once;
//      each signed webhook is answered with TwiML holding a pay link (seat
//      hold + order + Checkout Session against a local Stripe-compatible server);
//   2. webhooks: a signed checkout.session.completed per order (plus 10%
//      duplicates) is acknowledged, then the worker sells seats and sends
//      ticket SMS to a local Twilio-compatible server;
// each beside BullMQ's raw one-at-a-time Queue.add on the same Redis in the
// same run, so every figure is also a ratio.
//
// The box office runs as its own process, compiled, as `npm start` runs it
// (web and worker in one process); this process is the load and the local
// Stripe- and Twilio-compatible servers.
//
//   npm run bench:purchase      (BENCH_BUYERS=2000 BENCH_IN_FLIGHT=50 BENCH_STRIPE_LATENCY_MS=0)
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Queue } from 'bullmq';
import Stripe from 'stripe';
import twilio from 'twilio';
import { catalogSchema } from '../src/catalog/catalog.schema.js';
import { connectRedis } from '../src/redis/redis.connection.js';
import { freePort, startRedisServer } from '../src/redis/redis-server.process.js';
import { startStripeApiServer } from '../test/support/stripe-api.server.js';
import { startTwilioApiServer } from '../test/support/twilio-api.server.js';
import { atConcurrency, perSecond, TABLE_HEADER, tableRow } from './support/measure.js';

const BUYERS = Number(process.env.BENCH_BUYERS ?? 2000);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 50);
const STRIPE_LATENCY_MS = Number(process.env.BENCH_STRIPE_LATENCY_MS ?? 0);
const SECTIONS = 40;
const PUBLIC_BASE_URL = 'https://bench.example.test';
const TWILIO = { sid: `AC${'ab'.repeat(16)}`, token: 'bench-twilio-token', from: '+15550000000' };
const STRIPE = { key: 'sk_test_bench', webhookSecret: 'whsec_bench' };

const EVENT_ID = 'bench-night-2027-06-01';
const STAFF_TOKEN = 'bench-staff-token-0123456789';

function benchCatalog(): unknown {
  const rows = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [String.fromCharCode(65 + i), 30]));
  const sections = Array.from({ length: SECTIONS }, (_, i) => ({ id: String(i + 1), name: `Section ${i + 1}`, tier: 1, price: 10_000, rows }));
  return catalogSchema.parse({
    events: [{ id: EVENT_ID, name: 'Bench Night', startsAt: '2027-06-01T20:00:00-07:00', venue: 'Arena', currency: 'usd', aliases: ['bench'], sections }],
  });
}

/** Starts the compiled box office (`node dist/src/main.js`) and waits until /readyz answers. */
async function startBoxOffice(env: Record<string, string>, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...(process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : []), 'dist/src/main.js', 'all'], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  const deadline = Date.now() + 20_000;
  for (;;) {
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false);
    if (ready) return child;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error('the box office did not start: run `npm run build` first');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function soldSeats(baseUrl: string): Promise<number> {
  const response = await fetch(`${baseUrl}/staff/events/${EVENT_ID}/inventory`, { headers: { authorization: `Bearer ${STAFF_TOKEN}` } });
  const inventory = (await response.json()) as { sections: Array<{ sold: number }> };
  return inventory.sections.reduce((sum, section) => sum + section.sold, 0);
}

function phone(n: number): string {
  return `+1555${String(1_000_000 + n).padStart(7, '0')}`;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'purchase-bench-'));
  const redisServer = await startRedisServer({ dir, appendOnly: true });
  const stripe = await startStripeApiServer({ latencyMs: STRIPE_LATENCY_MS });
  const twilioServer = await startTwilioApiServer();
  const catalogPath = join(dir, 'catalog.json');
  writeFileSync(catalogPath, JSON.stringify(benchCatalog()));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const app = await startBoxOffice(
    {
      NODE_ENV: 'test', LOG_LEVEL: 'warn', PORT: String(port), PUBLIC_BASE_URL, REDIS_URL: redisServer.url, CATALOG_PATH: catalogPath,
      STRIPE_SECRET_KEY: STRIPE.key, STRIPE_WEBHOOK_SECRET: STRIPE.webhookSecret, STRIPE_API_URL: stripe.url,
      TWILIO_ACCOUNT_SID: TWILIO.sid, TWILIO_AUTH_TOKEN: TWILIO.token, TWILIO_FROM_NUMBER: TWILIO.from, TWILIO_API_URL: twilioServer.url,
      SMS_PER_SECOND: '10000', // the local Twilio server has no rate limit; the default (one long code, 1/s) would take 2,000 s
      STAFF_API_TOKEN: STAFF_TOKEN,
    },
    port,
  );
  const baselineRedis = connectRedis(redisServer.url);
  try {
    const baseline = await queueAddBaseline(baselineRedis);
    const turns = await atConcurrency('SMS turn → pay link', BUYERS, IN_FLIGHT, (n) => textToBuy(baseUrl, n));
    const sessions = [...stripe.sessions.keys()];
    for (const id of sessions) stripe.markPaid(id);
    const events = sessions.map((id, n) => ({ id: `evt_bench_${n}`, session: stripe.sessions.get(id)! }));
    const deliveries = [...events, ...events.filter((_, n) => n % 10 === 0)];
    const fulfilStarted = performance.now();
    const acks = await atConcurrency('webhook ack (10% duplicates)', deliveries.length, IN_FLIGHT, (n) => postEvent(baseUrl, deliveries[n]!));
    await waitFor(() => twilioServer.messages.length >= sessions.length, 120_000);
    const fulfilSeconds = (performance.now() - fulfilStarted) / 1000;
    const sold = await soldSeats(baseUrl);

    console.log(
      `purchase bench: ${BUYERS} SMS buyers, ${IN_FLIGHT} in flight, Stripe latency ${STRIPE_LATENCY_MS} ms; ` +
        'box office compiled in its own process (web + worker), private Redis (append-only on)',
    );
    console.log(TABLE_HEADER);
    console.log(tableRow(turns, `${(perSecond(turns) / perSecond(baseline)).toFixed(2)}x Queue.add`));
    console.log(tableRow(acks, `${(perSecond(acks) / perSecond(baseline)).toFixed(2)}x Queue.add`));
    console.log(tableRow(baseline, 'baseline: BullMQ Queue.add, one at a time'));
    const fulfilRate = sessions.length / fulfilSeconds;
    console.log(
      `end to end: ${sessions.length} orders fulfilled and ticket SMS sent in ${fulfilSeconds.toFixed(1)} s ` +
        `(${fulfilRate.toFixed(0)} orders/s, ${(fulfilRate / perSecond(baseline)).toFixed(2)}x Queue.add); ` +
        `seats sold ${sold} (expected ${sessions.length * 2}); ticket SMS ${twilioServer.messages.length}`,
    );
  } finally {
    await baselineRedis.quit();
    app.kill('SIGTERM');
    await new Promise((resolve) => app.once('exit', resolve));
    await Promise.all([stripe.close(), twilioServer.close()]);
    await redisServer.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function queueAddBaseline(connection: ReturnType<typeof connectRedis>) {
  const queue = new Queue('bench-baseline', { connection, prefix: '{bench}' });
  await atConcurrency('warm-up', 500, IN_FLIGHT, (n) => queue.add('job', { n }));
  const measured = await atConcurrency('BullMQ Queue.add', 5_000, IN_FLIGHT, (n) => queue.add('job', { n, at: Date.now() }));
  await queue.obliterate({ force: true });
  await queue.close();
  return measured;
}

async function textToBuy(baseUrl: string, n: number): Promise<void> {
  const params = { From: phone(n), To: TWILIO.from, Body: `2 tickets bench section ${(n % SECTIONS) + 1}`, MessageSid: `SMbench${n}`, NumMedia: '0' };
  const signature = twilio.getExpectedTwilioSignature(TWILIO.token, `${PUBLIC_BASE_URL}/sms/inbound`, params);
  const response = await fetch(`${baseUrl}/sms/inbound`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(params),
  });
  const twiml = await response.text();
  if (!response.ok || !twiml.includes('/p/BX-')) throw new Error(`buyer ${n} got no link: ${response.status} ${twiml.slice(0, 200)}`);
}

async function postEvent(baseUrl: string, event: { id: string; session: unknown }): Promise<void> {
  const payload = JSON.stringify({ id: event.id, object: 'event', type: 'checkout.session.completed', created: Math.floor(Date.now() / 1000), data: { object: event.session } });
  const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: STRIPE.webhookSecret });
  const response = await fetch(`${baseUrl}/webhooks/stripe`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': signature }, body: payload });
  if (!response.ok) throw new Error(`webhook ${event.id} answered ${response.status}`);
  await response.arrayBuffer();
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the worker');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

await main();
