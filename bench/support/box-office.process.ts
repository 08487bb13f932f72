// The box office under benchmark: compiled, in its own process, as `npm start`
// runs it (`bin/box-office all`: web and worker together), on a private
// redis-server with the append-only file on, as in production. Stripe and
// Twilio calls go to the local compatible servers of test/support, running in
// the benchmark process and answering after a fixed latency
// (BENCH_STRIPE_LATENCY_MS, BENCH_TWILIO_LATENCY_MS).
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { loadCatalog } from '../../src/catalog/catalog.loader.js';
import type { EventCatalog } from '../../src/catalog/event-catalog.js';
import { createQueues, QUEUE_PREFIX, type Queues } from '../../src/queue/queues.js';
import { freePort, startRedisServer } from '../../src/redis/redis-server.process.js';
import { startStripeApiServer, type StripeApiServer } from '../../test/support/stripe-api.server.js';
import { startTwilioApiServer, type TwilioApiServer } from '../../test/support/twilio-api.server.js';
import { processCpuSeconds } from './process-cpu.js';

/** Credentials and addresses the benchmark and the box office share. */
export const BENCH = {
  publicBaseUrl: 'https://bench.example.test',
  twilio: { sid: `AC${'ab'.repeat(16)}`, token: 'bench-twilio-token', from: '+15550000000' },
  stripe: { key: 'sk_test_bench', webhookSecret: 'whsec_bench' },
  staffToken: 'bench-staff-token-0123456789',
} as const;

/** A whole number from the environment, or the default. */
export function envNumber(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number, got ${process.env[name]}`);
  return value;
}

export interface BenchOfficeOptions {
  /** The catalog file, relative to the project. */
  catalogPath: string;
  stripeLatencyMs: number;
  twilioLatencyMs: number;
  /**
   * The compiled entry to run, relative to the project or absolute: another
   * build (a copy of dist/ from before a change) measured against this one.
   * @default DEFAULT_ENTRY
   */
  entry?: string;
  /** More environment for the box office, over the benchmarks' own. */
  env?: Record<string, string>;
}

export interface BenchOffice {
  /** Where the box office listens, e.g. http://127.0.0.1:41234. */
  baseUrl: string;
  /** A connection of the benchmark's own to the box office's Redis: state checks and baselines. */
  redis: Redis;
  catalog: EventCatalog;
  /** The box office's queues, read by the benchmark (e.g. to know the worker is idle). */
  queues: Queues;
  stripe: StripeApiServer;
  twilio: TwilioApiServer;
  /** CPU seconds the box office process has used so far (processCpuSeconds); undefined without /proc. */
  cpuSeconds(): number | undefined;
  /** The box office's process id, to read its memory from /proc. */
  pid: number | undefined;
  /** How the box office process ended, or undefined while it runs: a crash shows here. */
  exit(): { code: number | null; signal: NodeJS.Signals | null } | undefined;
  stop(): Promise<void>;
}

export async function startBenchOffice(options: BenchOfficeOptions): Promise<BenchOffice> {
  const dir = mkdtempSync(join(tmpdir(), 'box-office-bench-'));
  const redisServer = await startRedisServer({ dir, appendOnly: true });
  const stripe = await startStripeApiServer({ latencyMs: options.stripeLatencyMs });
  const twilio = await startTwilioApiServer({ latencyMs: options.twilioLatencyMs });
  const port = await freePort();
  const catalogPath = resolve(options.catalogPath);
  const app = spawnBoxOffice({
    NODE_ENV: 'test', LOG_LEVEL: 'warn', PORT: String(port), PUBLIC_BASE_URL: BENCH.publicBaseUrl, REDIS_URL: redisServer.url, CATALOG_PATH: catalogPath,
    STRIPE_SECRET_KEY: BENCH.stripe.key, STRIPE_WEBHOOK_SECRET: BENCH.stripe.webhookSecret, STRIPE_API_URL: stripe.url,
    TWILIO_ACCOUNT_SID: BENCH.twilio.sid, TWILIO_AUTH_TOKEN: BENCH.twilio.token, TWILIO_FROM_NUMBER: BENCH.twilio.from, TWILIO_API_URL: twilio.url,
    // The local Twilio server has no rate limit; at the default (one long code, 1/s) the ticket texts alone would take an hour.
    SMS_PER_SECOND: '10000',
    // The rush sells a whole event to first-time buyers at once, which the
    // unpaid share exists to stop; the benchmarks measure holding and selling
    // every seat, so they lift it.
    UNPAID_HOLD_SHARE_PERCENT: '100',
    STAFF_API_TOKEN: BENCH.staffToken,
    ...options.env,
  }, options.entry);
  const baseUrl = `http://127.0.0.1:${port}`;
  const redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
  const queues = createQueues(redis, QUEUE_PREFIX);
  const stop = async () => {
    // A process a signal ended has no exit code, and would never emit 'exit' again.
    if (app.exitCode === null && app.signalCode === null) {
      app.kill('SIGTERM');
      await new Promise((done) => app.once('exit', done));
    }
    await queues.close();
    await redis.quit();
    await Promise.all([stripe.close(), twilio.close()]);
    await redisServer.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(() => fetch(`${baseUrl}/readyz`).then((r) => r.ok, () => false), 20_000, 'the box office to start (run `npm run build` first)', () => app.exitCode !== null);
  } catch (err) {
    await stop();
    throw err;
  }
  const exit = () => (app.exitCode === null && app.signalCode === null ? undefined : { code: app.exitCode, signal: app.signalCode });
  return { baseUrl, redis, catalog: loadCatalog(catalogPath, new Date()), queues, stripe, twilio, cpuSeconds: () => processCpuSeconds(app.pid), pid: app.pid, exit, stop };
}

/** What `bin/box-office` starts. */
export const DEFAULT_ENTRY = 'dist/src/main.js';

/**
 * `bin/box-office all`, as `npm start` runs it, with its V8 settings; another
 * build's entry (an older `dist/` to compare with) is started with plain
 * `node <entry> all`, as that build shipped. With BENCH_PROFILE_DIR set, it
 * writes a CPU profile there on exit; BENCH_NODE_OPTIONS adds flags to its
 * node (e.g. `--heapsnapshot-signal=SIGUSR2`, `--trace-gc`, or
 * `--heap-growing-percent=0` to undo the launcher's) without reaching the
 * benchmark's own; BENCH_OFFICE_STDOUT=<file> keeps its stdout (its log
 * lines, and what such flags print) in that file instead of dropping it.
 */
function spawnBoxOffice(env: Record<string, string>, entry = DEFAULT_ENTRY): ChildProcess {
  const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
  const flags = [...profile, ...(process.env.BENCH_NODE_OPTIONS ?? '').split(' ').filter(Boolean)];
  const stdout = process.env.BENCH_OFFICE_STDOUT ? openSync(process.env.BENCH_OFFICE_STDOUT, 'w') : 'ignore';
  const options: SpawnOptions = { env: { ...process.env, ...env, BOX_OFFICE_NODE_FLAGS: flags.join(' ') }, stdio: ['ignore', stdout, 'inherit'] };
  return entry === DEFAULT_ENTRY ? spawn('bin/box-office', ['all'], options) : spawn(process.execPath, [...flags, entry, 'all'], options);
}

/** Polls `check` until it is true; fails after `timeoutMs`, or at once when `gaveUp` says there is no point waiting. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string, gaveUp = () => false): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (gaveUp() || Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** True when the worker has nothing left to do: no payment, notification or SMS job waiting, running or scheduled. */
export async function workerIdle(queues: Queues): Promise<boolean> {
  const counts = await Promise.all([queues.payments, queues.notifications, queues.sms].map((q) => q.getJobCounts('waiting', 'active', 'delayed', 'prioritized')));
  return counts.every((c) => Object.values(c).every((n) => n === 0));
}
