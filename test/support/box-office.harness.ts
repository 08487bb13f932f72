// Runs the whole box office in the test process, as `npm start` does (web and
// worker roles), against the test run's Redis under a key prefix of its own,
// with Stripe and Twilio calls going to local recording servers through
// STRIPE_API_URL and TWILIO_API_URL.
import { randomUUID } from 'node:crypto';
import { pino, type Logger } from 'pino';
import { loadCatalog } from '../../src/catalog/catalog.loader.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createFoundation, type Foundation } from '../../src/roles/foundation.js';
import { startWebRole } from '../../src/roles/web.role.js';
import { startWorkerRole } from '../../src/roles/worker.role.js';
import { startStripeApiServer, type StripeApiServer } from './stripe-api.server.js';
import { startTwilioApiServer, type TwilioApiServer } from './twilio-api.server.js';
import { testRedisTarget } from './redis.js';
import type { NoticeRetrySchedule } from '../../src/queue/notice-retry.js';

export const TEST_TWILIO = {
  accountSid: `AC${'0123456789abcdef'.repeat(2)}`,
  authToken: 'test-twilio-auth-token',
  fromNumber: '+15550000000',
};
export const TEST_STRIPE = { secretKey: 'sk_test_box_office', webhookSecret: 'whsec_test_box_office' };
export const TEST_STAFF_TOKEN = 'staff-token-for-tests-0123456789';
/** Base URL Twilio and Stripe "see"; signatures are computed on it, not on the local address. */
export const TEST_PUBLIC_BASE_URL = 'https://tickets.example.test';

export interface BoxOffice {
  /** Where the web role listens, e.g. http://127.0.0.1:51234. */
  url: string;
  config: Config;
  foundation: Foundation;
  /** Present unless started with demo: true. */
  stripe?: StripeApiServer;
  twilio: TwilioApiServer;
  stop(): Promise<void>;
}

export interface BoxOfficeOptions {
  /** The box office's logger (default: silent); tests of the log pass one that writes to a stream. */
  log?: Logger;
  /** No Stripe key: the demo checkout, as a newcomer's `npm start`. */
  demo?: boolean;
  /** No Twilio account: the demo phone, as a newcomer's `npm start` (the local Twilio server still runs, unused). */
  noTwilio?: boolean;
  /** Extra environment variables (they win). */
  env?: Record<string, string>;
  /** Run the worker role too (default true). */
  worker?: boolean;
  /** The web role's port (default: a free one, chosen by the system); a browser test that follows links needs PUBLIC_BASE_URL to be this. */
  port?: number;
  /** A Redis of the test's own (default: the test run's shared one). */
  redisUrl?: string;
  /** Key and BullMQ prefixes (default: fresh ones per start); `bx:` and `bx` match a box office started by src/main.ts. */
  keyPrefix?: string;
  queuePrefix?: string;
  /** A shortened retry schedule for notices (default: the one NOTICE_RETRY_HOURS makes), so an outage of "hours" passes in a test. */
  noticeRetry?: NoticeRetrySchedule;
}

export async function startBoxOffice(options: BoxOfficeOptions = {}): Promise<BoxOffice> {
  const stripe = options.demo ? undefined : await startStripeApiServer();
  const twilio = await startTwilioApiServer();
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    PUBLIC_BASE_URL: TEST_PUBLIC_BASE_URL,
    ...(stripe ? { STRIPE_SECRET_KEY: TEST_STRIPE.secretKey, STRIPE_WEBHOOK_SECRET: TEST_STRIPE.webhookSecret, STRIPE_API_URL: stripe.url } : {}),
    ...(options.noTwilio
      ? {}
      : { TWILIO_ACCOUNT_SID: TEST_TWILIO.accountSid, TWILIO_AUTH_TOKEN: TEST_TWILIO.authToken, TWILIO_FROM_NUMBER: TEST_TWILIO.fromNumber, TWILIO_API_URL: twilio.url }),
    // Tests never time the limiter; at a long code's 1/s they would only be slow.
    SMS_PER_SECOND: '1000',
    // Every test's chat comes from 127.0.0.1; tests of the per-address budget set their own.
    ANONYMOUS_CHAT_HOLDS_PER_ADDRESS: '1000',
    STAFF_API_TOKEN: TEST_STAFF_TOKEN,
    ...options.env,
  });
  const run = randomUUID().slice(0, 8);
  const foundation = createFoundation({
    config,
    log: options.log ?? pino({ level: 'silent' }),
    catalog: loadCatalog(config.catalogPath, new Date()),
    redis: options.redisUrl ? { url: options.redisUrl } : testRedisTarget(),
    keyPrefix: options.keyPrefix ?? `t-${run}:`,
    queuePrefix: options.queuePrefix ?? `t-${run}`,
    ...(options.noticeRetry ? { noticeRetry: options.noticeRetry } : {}),
  });
  const worker = options.worker === false ? undefined : startWorkerRole(foundation);
  const web = await startWebRole(foundation, options.port ?? 0);
  return {
    url: web.url,
    config,
    foundation,
    stripe,
    twilio,
    async stop() {
      await web.close(1_000);
      await worker?.close();
      await foundation.close();
      await Promise.all([stripe?.close(), twilio.close()]);
    },
  };
}

/** Polls until check() returns a value other than undefined, or fails after timeoutMs. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
