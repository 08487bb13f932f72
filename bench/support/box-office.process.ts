// The box office under benchmark: compiled, in its own processes, as a
// deploy runs it. By default one process, `bin/box-office all` (web and
// worker together, as `npm start`), on a private redis-server with the
// append-only file on, as in production; startBenchOffice() can also start
// several processes by role (e.g. two `web` and one `worker`, each on a PORT
// of its own) on one private redis-server or on a private six-node Redis
// Cluster (test/support/redis-cluster.ts), all sharing the store. Stripe and
// Twilio calls go to one pair of local compatible servers of test/support,
// running in the benchmark process and answering after a fixed latency
// (BENCH_STRIPE_LATENCY_MS, BENCH_TWILIO_LATENCY_MS).
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Cluster, Redis } from 'ioredis';
import { loadCatalog } from '../../src/catalog/catalog.loader.js';
import type { EventCatalog } from '../../src/catalog/event-catalog.js';
import { createQueues, QUEUE_PREFIX, type Queues } from '../../src/queue/queues.js';
import type { RedisClient } from '../../src/redis/redis.client.js';
import { freePort, startRedisServer } from '../../src/redis/redis-server.process.js';
import { startRedisCluster } from '../../test/support/redis-cluster.js';
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

/** What one box office process runs: `bin/box-office <role>`. */
export type BenchRole = 'all' | 'web' | 'worker';

/** Where the box office's data lives: one private redis-server, or a private Redis Cluster (three masters, three replicas). */
export type BenchStore = 'redis' | 'cluster';

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
  /** @default 'redis' */
  store?: BenchStore;
  /** One process per entry, each on a PORT of its own, sharing the store, e.g. `['web', 'web', 'worker']`. @default ['all'] */
  roles?: readonly BenchRole[];
}

/** One box office process. */
export interface BenchProcess {
  role: BenchRole;
  /** Where it listens: the customers' routes for `all` and `web`; health and metrics only for `worker`. */
  baseUrl: string;
  pid: number | undefined;
  /** CPU seconds it has used so far (processCpuSeconds); undefined without /proc. */
  cpuSeconds(): number | undefined;
  /** How it ended, or undefined while it runs: a crash shows here. */
  exit(): { code: number | null; signal: NodeJS.Signals | null } | undefined;
}

export interface BenchOffice {
  /** Where the first process that serves customers listens, e.g. http://127.0.0.1:41234. */
  baseUrl: string;
  /** Every process that serves customers (`all`, `web`), in the order of `roles`: load spread over them goes round-robin. */
  baseUrls: string[];
  /** Every process, in the order of `roles`. */
  processes: BenchProcess[];
  store: BenchStore;
  /**
   * A connection of the benchmark's own to the box office's store: state
   * checks and baselines. Without auto-pipelining on either store, so the
   * baselines of the two compare.
   */
  redis: RedisClient;
  /** CPU seconds every redis-server of the store (a cluster's replicas too) has used so far (INFO cpu, user + system), summed. */
  storeCpuSeconds(): Promise<number>;
  catalog: EventCatalog;
  /** The box office's queues, read by the benchmark (e.g. to know the worker is idle). */
  queues: Queues;
  stripe: StripeApiServer;
  twilio: TwilioApiServer;
  /** CPU seconds every box office process has used so far, summed; undefined without /proc. */
  cpuSeconds(): number | undefined;
  /** The first process's id, to read its memory from /proc. */
  pid: number | undefined;
  /** How the first process to end ended, or undefined while all run: a crash shows here. */
  exit(): { code: number | null; signal: NodeJS.Signals | null } | undefined;
  stop(): Promise<void>;
}

/** A store of the benchmark's own: how the box office finds it, a client for the benchmark, its CPU, and how to stop it. */
interface StartedStore {
  env: Record<string, string>;
  redis: RedisClient;
  cpuSeconds(): Promise<number>;
  stop(): Promise<void>;
}

async function startStore(store: BenchStore, dir: string): Promise<StartedStore> {
  if (store === 'cluster') {
    const cluster = await startRedisCluster();
    const redis = new Cluster(cluster.seeds, { scaleReads: 'master', redisOptions: { maxRetriesPerRequest: null } });
    // The cluster client connects to the masters only; the replicas replay every write, so their CPU counts too.
    const everyNode = cluster.seeds.map((seed) => new Redis(seed.port, seed.host, { maxRetriesPerRequest: null }));
    return {
      env: { REDIS_CLUSTER_NODES: cluster.nodes.join(',') },
      redis,
      cpuSeconds: () => cpuSecondsOf(everyNode),
      stop: async () => {
        await Promise.all(everyNode.map((node) => node.quit()));
        await cluster.stop();
      },
    };
  }
  const server = await startRedisServer({ dir, appendOnly: true });
  const redis = new Redis(server.url, { maxRetriesPerRequest: null });
  return { env: { REDIS_URL: server.url }, redis, cpuSeconds: () => cpuSecondsOf([redis]), stop: () => server.stop() };
}

/** CPU seconds (INFO cpu, user + system) the servers have used so far, summed. */
async function cpuSecondsOf(servers: readonly Redis[]): Promise<number> {
  const infos = await Promise.all(servers.map((server) => server.info('cpu')));
  const field = (info: string, name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? Number.NaN);
  return infos.reduce((sum, info) => sum + field(info, 'used_cpu_user') + field(info, 'used_cpu_sys'), 0);
}

export async function startBenchOffice(options: BenchOfficeOptions): Promise<BenchOffice> {
  const roles = options.roles ?? ['all'];
  const dir = mkdtempSync(join(tmpdir(), 'box-office-bench-'));
  const store = await startStore(options.store ?? 'redis', dir);
  const stripe = await startStripeApiServer({ latencyMs: options.stripeLatencyMs });
  const twilio = await startTwilioApiServer({ latencyMs: options.twilioLatencyMs });
  const catalogPath = resolve(options.catalogPath);
  const env = {
    NODE_ENV: 'test', LOG_LEVEL: 'warn', PUBLIC_BASE_URL: BENCH.publicBaseUrl, ...store.env, CATALOG_PATH: catalogPath,
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
  };
  const started: Array<{ role: BenchRole; baseUrl: string; app: ChildProcess }> = [];
  for (const [n, role] of roles.entries()) {
    const port = await freePort();
    started.push({ role, baseUrl: `http://127.0.0.1:${port}`, app: spawnBoxOffice(role, { ...env, PORT: String(port) }, options.entry, roles.length > 1 ? `.${n}` : '') });
  }
  const ended = (app: ChildProcess) => app.exitCode !== null || app.signalCode !== null;
  const redis = store.redis;
  const queues = createQueues(redis, QUEUE_PREFIX);
  const stop = async () => {
    // A process a signal ended has no exit code, and would never emit 'exit' again.
    await Promise.all(
      started.map(async ({ app }) => {
        if (ended(app)) return;
        app.kill('SIGTERM');
        await new Promise((done) => app.once('exit', done));
      }),
    );
    await queues.close();
    await redis.quit();
    await Promise.all([stripe.close(), twilio.close()]);
    await store.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const ready = ({ role, baseUrl, app }: (typeof started)[number]) =>
      waitFor(() => fetch(`${baseUrl}/readyz`).then((r) => r.ok, () => false), 20_000, `the box office (${role}) to start (run \`npm run build\` first)`, () => ended(app));
    await Promise.all(started.map(ready));
    // The cluster client learns the masters on its first command; the baselines need them known (a script is loaded on each).
    await redis.ping();
  } catch (err) {
    await stop();
    throw err;
  }
  const exitOf = (app: ChildProcess) => (ended(app) ? { code: app.exitCode, signal: app.signalCode } : undefined);
  const processes: BenchProcess[] = started.map(({ role, baseUrl, app }) => ({
    role,
    baseUrl,
    pid: app.pid,
    cpuSeconds: () => processCpuSeconds(app.pid),
    exit: () => exitOf(app),
  }));
  const cpuSeconds = () => {
    const each = processes.map((p) => p.cpuSeconds());
    return each.some((s) => s === undefined) ? undefined : each.reduce((sum: number, s) => sum + s!, 0);
  };
  const baseUrls = processes.filter((p) => p.role !== 'worker').map((p) => p.baseUrl);
  return {
    baseUrl: baseUrls[0] ?? processes[0]!.baseUrl,
    baseUrls,
    processes,
    store: options.store ?? 'redis',
    redis,
    storeCpuSeconds: () => store.cpuSeconds(),
    catalog: loadCatalog(catalogPath, new Date()),
    queues,
    stripe,
    twilio,
    cpuSeconds,
    pid: processes[0]!.pid,
    exit: () => processes.map((p) => p.exit()).find(Boolean),
    stop,
  };
}

/** What `bin/box-office` starts. */
export const DEFAULT_ENTRY = 'dist/src/main.js';

/**
 * `bin/box-office <role>`, as `npm start` runs it, with its V8 settings;
 * another build's entry (an older `dist/` to compare with) is started with
 * plain `node <entry> <role>`, as that build shipped. With BENCH_PROFILE_DIR
 * set, it writes a CPU profile there on exit; BENCH_NODE_OPTIONS adds flags
 * to its node (e.g. `--heapsnapshot-signal=SIGUSR2`, `--trace-gc`, or
 * `--heap-growing-percent=0` to undo the launcher's) without reaching the
 * benchmark's own; BENCH_OFFICE_STDOUT=<file> keeps its stdout (its log
 * lines, and what such flags print) in that file instead of dropping it
 * (`<file>.<n>` for process n when there are several).
 */
function spawnBoxOffice(role: BenchRole, env: Record<string, string>, entry = DEFAULT_ENTRY, stdoutSuffix = ''): ChildProcess {
  const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
  const flags = [...profile, ...(process.env.BENCH_NODE_OPTIONS ?? '').split(' ').filter(Boolean)];
  const stdout = process.env.BENCH_OFFICE_STDOUT ? openSync(`${process.env.BENCH_OFFICE_STDOUT}${stdoutSuffix}`, 'w') : 'ignore';
  const options: SpawnOptions = { env: { ...process.env, ...env, BOX_OFFICE_NODE_FLAGS: flags.join(' ') }, stdio: ['ignore', stdout, 'inherit'] };
  return entry === DEFAULT_ENTRY ? spawn('bin/box-office', [role], options) : spawn(process.execPath, [...flags, entry, role], options);
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
  const [payments, notifications, sms] = counts as [Record<string, number>, Record<string, number>, Record<string, number>];
  const { delayed = 0, ...rest } = notifications;
  if (![payments, rest, sms].every((c) => Object.values(c).every((n) => n === 0))) return false;
  if (delayed === 0) return true;
  // The reminders before the show wait, delayed, until the day before: they are not work left undone.
  return (await queues.notifications.getDelayed()).every((job) => job.id?.startsWith('reminder-'));
}
