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
  const [stripe, twilio, port] = await Promise.all([startStripeApiServer(), startTwilioApiServer(), freePort()]);
  const env = mainEnv({ redis: options.redis, stripeUrl: stripe.url, twilioUrl: twilio.url, env: { PORT: String(port), ...options.env } });
  const main = spawnMain('all', env);
  const url = `http://127.0.0.1:${port}`;
  const closeServers = () => Promise.all([stripe.close(), twilio.close()]);
  try {
    await main.logged('"box office listening');
  } catch (err) {
    main.child.kill('SIGKILL');
    await closeServers();
    throw err;
  }
  const config = loadConfig(env);
  const foundation = createFoundation({
    config,
    log: pino({ level: 'silent' }),
    catalog: loadCatalog(config.catalogPath, new Date()),
    redis: options.redis,
    keyPrefix: KEY_PREFIX,
    queuePrefix: QUEUE_PREFIX,
  });
  return {
    url,
    config,
    foundation,
    stripe,
    twilio,
    main,
    async stop() {
      if (main.child.exitCode === null && main.child.signalCode === null) main.child.kill('SIGTERM');
      await main.exited;
      await foundation.close();
      await closeServers();
    },
  };
}
