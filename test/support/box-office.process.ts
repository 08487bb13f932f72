// The box office's real entry point (`src/main.ts all|web|worker`) as a child
// process, for fault tests that stop Redis under it or signal it: what a
// deploy runs, with its own connections, retries and shutdown. Run through
// tsx, as `npm run dev` does, so a test never runs a stale dist/ build.
//
// startBoxOfficeProcess() gives the same BoxOffice the in-process harness
// gives, so every helper in ./sms.client.ts works on it; its `foundation` is
// only an observer in the test process (same Redis, production prefixes
// `bx:` and `bx`), for reading orders, seats and queues as they are stored.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { loadCatalog } from '../../src/catalog/catalog.loader.js';
import { KEY_PREFIX } from '../../src/commerce.js';
import { loadConfig } from '../../src/config.js';
import { QUEUE_PREFIX } from '../../src/queue/queues.js';
import type { RedisTarget } from '../../src/redis/redis.client.js';
import { freePort } from '../../src/redis/redis-server.process.js';
import { createFoundation } from '../../src/roles/foundation.js';
import { eventually, TEST_PUBLIC_BASE_URL, TEST_STAFF_TOKEN, TEST_STRIPE, TEST_TWILIO, type BoxOffice } from './box-office.harness.js';
import { clockEnv } from './dates.js';
import { startStripeApiServer } from './stripe-api.server.js';
import { startTwilioApiServer } from './twilio-api.server.js';

const PROJECT = fileURLToPath(new URL('../..', import.meta.url));
/** Generous, only so a broken start fails instead of hanging: tsx loads the stack in seconds on a busy machine. */
export const PROCESS_START_TIMEOUT_MS = 45_000;

/** One run of `src/main.ts`. */
export interface MainProcess {
  child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far (pino JSON lines). */
  log(): string;
  /** Its exit code, or the signal that ended it. */
  exited: Promise<number | string>;
  /** Resolves once a log line contains `text`; fails if the process exits first. */
  logged(text: string, timeoutMs?: number): Promise<void>;
}

/** Where the box office finds Redis, Stripe and Twilio, and anything else to set. */
export interface MainEnvOptions {
  /** One Redis (REDIS_URL) or a Redis Cluster (REDIS_CLUSTER_NODES). */
  redis: RedisTarget;
  stripeUrl: string;
  twilioUrl: string;
  env?: Record<string, string>;
}

/**
 * The environment of a test box office: the test secrets, info logs (tests
 * read the lines), and BullMQ's lock and stalled-job check shortened so a job
 * whose worker went away (killed, or Redis restarted under it) is taken back
 * in seconds instead of half a minute.
 */
export function mainEnv(options: MainEnvOptions): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    ...clockEnv(),
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    ...('url' in options.redis ? { REDIS_URL: options.redis.url } : { REDIS_CLUSTER_NODES: options.redis.clusterNodes.map((seed) => `${seed.host}:${seed.port}`).join(',') }),
    PUBLIC_BASE_URL: TEST_PUBLIC_BASE_URL,
    STRIPE_SECRET_KEY: TEST_STRIPE.secretKey,
    STRIPE_WEBHOOK_SECRET: TEST_STRIPE.webhookSecret,
    STRIPE_API_URL: options.stripeUrl,
    TWILIO_ACCOUNT_SID: TEST_TWILIO.accountSid,
    TWILIO_AUTH_TOKEN: TEST_TWILIO.authToken,
    TWILIO_FROM_NUMBER: TEST_TWILIO.fromNumber,
    TWILIO_API_URL: options.twilioUrl,
    // Tests never time the limiter; at a long code's 1/s they would only be slow.
    SMS_PER_SECOND: '1000',
    STAFF_API_TOKEN: TEST_STAFF_TOKEN,
    WORKER_LOCK_DURATION_MS: '4000',
    WORKER_STALLED_INTERVAL_MS: '1000',
    ...options.env,
  };
}

/** `node --import tsx src/main.ts <role>` with exactly `env` (nothing inherited but what it names). */
export function spawnMain(role: 'all' | 'web' | 'worker', env: Record<string, string>): MainProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', role], { cwd: PROJECT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
  const exited = new Promise<number | string>((resolve) => child.once('close', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  return {
    child,
    log: () => log,
    exited,
    logged: (text, timeoutMs = PROCESS_START_TIMEOUT_MS) =>
      eventually(
        async () => {
          if (log.includes(text)) return true;
          if (child.exitCode !== null || child.signalCode !== null) throw new Error(`exited (${child.exitCode ?? child.signalCode}) before logging "${text}":\n${log}`);
          return undefined;
        },
        timeoutMs,
        `"${text}" in the log of ${role}`,
      ).then(() => undefined),
  };
}

/** A box office (`src/main.ts all`) in its own process, with the local Stripe and Twilio servers in this one. */
export interface BoxOfficeProcess extends BoxOffice {
  main: MainProcess;
}

export async function startBoxOfficeProcess(options: { redis: RedisTarget; env?: Record<string, string> }): Promise<BoxOfficeProcess> {
  const fleet = await startBoxOfficeFleet({ ...options, roles: ['all'] });
  return { ...fleet.offices[0]!, main: fleet.processes[0]!, stop: () => fleet.stop() };
}

/** Box offices started apart by role, sharing one Redis (or cluster) and one pair of Stripe and Twilio servers. */
export interface BoxOfficeFleet {
  /** One per process with a web role, in the order of `roles`: the same helpers work on each. */
  offices: BoxOffice[];
  /** Every process, in the order of `roles`. */
  processes: MainProcess[];
  stop(): Promise<void>;
}

/**
 * `src/main.ts <role>` once per entry of `roles` (e.g. web, web, worker,
 * worker: several processes of each, as a deploy scales out), each on a port
 * of its own; resolves once each has said it is running.
 */
export async function startBoxOfficeFleet(options: { redis: RedisTarget; roles: Array<'all' | 'web' | 'worker'>; env?: Record<string, string> }): Promise<BoxOfficeFleet> {
  const [stripe, twilio] = await Promise.all([startStripeApiServer(), startTwilioApiServer()]);
  const base = mainEnv({ redis: options.redis, stripeUrl: stripe.url, twilioUrl: twilio.url, env: options.env });
  const started = await Promise.all(
    options.roles.map(async (role) => {
      const port = await freePort();
      return { role, port, main: spawnMain(role, { ...base, PORT: String(port) }) };
    }),
  );
  const stopProcesses = async () => {
    for (const { main } of started) if (main.child.exitCode === null && main.child.signalCode === null) main.child.kill('SIGTERM');
    await Promise.all(started.map(({ main }) => main.exited));
  };
  try {
    await Promise.all(started.map(({ role, main }) => main.logged(role === 'worker' ? '"worker started' : '"box office listening')));
  } catch (err) {
    for (const { main } of started) main.child.kill('SIGKILL');
    await Promise.all([stripe.close(), twilio.close()]);
    throw err;
  }
  const config = loadConfig(base);
  const foundation = createFoundation({
    config,
    log: pino({ level: 'silent' }),
    catalog: loadCatalog(config.catalogPath, new Date()),
    redis: options.redis,
    keyPrefix: KEY_PREFIX,
    queuePrefix: QUEUE_PREFIX,
  });
  const offices = started
    .filter(({ role }) => role !== 'worker')
    .map(({ port }): BoxOffice => ({ url: `http://127.0.0.1:${port}`, config, foundation, stripe, twilio, stop: async () => undefined }));
  return {
    offices,
    processes: started.map(({ main }) => main),
    async stop() {
      await stopProcesses();
      await foundation.close();
      await Promise.all([stripe.close(), twilio.close()]);
    },
  };
}
