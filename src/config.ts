import { createPrivateKey } from 'node:crypto';
import { isIP } from 'node:net';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { parseClusterNodes, type ClusterAccess, type ClusterSeed } from './redis/redis.client.js';

/** The project folder, so default paths work whatever the current directory. */
export const PROJECT_ROOT = fileURLToPath(projectRootUrl());

function projectRootUrl(): URL {
  // Compiled code runs from dist/src/, sources from src/ (tsx, tests).
  const here = new URL('.', import.meta.url);
  return new URL(here.pathname.endsWith('/dist/src/') ? '../../' : '../', here);
}

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const optionalUrl = optionalText.pipe(z.url({ message: 'must be a URL such as http://127.0.0.1:4010' }).optional());

const wholeNumber = (min: number, max: number, fallback: number) =>
  z.coerce
    .number({ message: `must be a whole number between ${min} and ${max}` })
    .int(`must be a whole number between ${min} and ${max}`)
    .min(min, `must be a whole number between ${min} and ${max}`)
    .max(max, `must be a whole number between ${min} and ${max}`)
    .default(fallback);

/** express's names for address ranges, usable in TRUST_PROXY. */
const PROXY_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** A hop count, or a comma-separated list of range names, addresses and CIDR ranges (never "true": a client could then name any address). */
function isTrustProxy(value: string): boolean {
  if (/^\d{1,2}$/.test(value)) return true;
  return value.split(',').every((part) => {
    const [address = '', bits, extra] = part.trim().split('/');
    if (extra !== undefined) return false;
    if (bits === undefined) return PROXY_RANGES.has(address) || isIP(address) !== 0;
    return isIP(address) !== 0 && /^\d{1,3}$/.test(bits) && Number(bits) <= (isIP(address) === 4 ? 32 : 128);
  });
}

function isEd25519PrivateKey(pem: string): boolean {
  try {
    return createPrivateKey(pem.replace(/\\n/g, '\n')).asymmetricKeyType === 'ed25519';
  } catch {
    return false;
  }
}

const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    PORT: wholeNumber(1, 65535, 3978),
    PUBLIC_BASE_URL: optionalUrl,
    /** Which proxies' X-Forwarded-For to believe, so per-IP limits see the customer's address (express "trust proxy"). */
    TRUST_PROXY: optionalText.pipe(
      z.string().refine(isTrustProxy, 'must be a hop count, or loopback, linklocal, uniquelocal, addresses and CIDR ranges, comma-separated').optional(),
    ),
    /** A URL, or `private`: a redis-server of this process's own even when one answers on 6379 (src/redis/redis.connection.ts). */
    REDIS_URL: optionalText.pipe(
      z.string().regex(/^(?:rediss?:\/\/|private$)/, 'must start with redis:// or rediss://, or be private').optional(),
    ),
    /** Seed nodes of a Redis Cluster, `host:port,host:port`; with it set REDIS_URL is not used (src/redis/redis.client.ts). */
    REDIS_CLUSTER_NODES: optionalText.pipe(
      z.string().refine((text) => parseClusterNodes(text) !== undefined, 'must be comma-separated host:port seed nodes, e.g. redis-1:6379,redis-2:6379').optional(),
    ),
    /** A managed cluster's password (AUTH), and `on` for TLS to every node. */
    REDIS_CLUSTER_PASSWORD: optionalText,
    REDIS_CLUSTER_TLS: z.enum(['on', 'off'], { message: 'must be on or off' }).default('off'),
    CATALOG_PATH: optionalText,
    STRIPE_SECRET_KEY: optionalText.pipe(
      z.string().regex(/^(sk|rk)_(test|live)_/, 'must be a Stripe secret key (sk_test_… or sk_live_…)').optional(),
    ),
    STRIPE_WEBHOOK_SECRET: optionalText.pipe(
      z.string().startsWith('whsec_', 'must be a webhook signing secret (whsec_…)').optional(),
    ),
    STRIPE_API_URL: optionalUrl,
    /** Milliseconds a Stripe call may take before our client gives up (a create that timed out is still expired at Stripe later: reconciliation). */
    STRIPE_TIMEOUT_MS: wholeNumber(100, 80_000, 10_000),
    TWILIO_ACCOUNT_SID: optionalText.pipe(z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must look like AC followed by 32 hex digits').optional()),
    TWILIO_AUTH_TOKEN: optionalText,
    TWILIO_FROM_NUMBER: optionalText.pipe(z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number such as +15551234567').optional()),
    TWILIO_MESSAGING_SERVICE_SID: optionalText.pipe(z.string().regex(/^MG[0-9a-fA-F]{32}$/, 'must look like MG followed by 32 hex digits').optional()),
    TWILIO_API_URL: optionalUrl,
    /** Outbound SMS per second from our sender: 1 suits one US long code; raise it for a toll-free number, short code or Messaging Service pool. */
    SMS_PER_SECOND: wholeNumber(1, 10_000, 1),
    /** Hours a message to a customer (tickets, refunds) keeps being retried, with backoff, before it is flagged for staff. */
    NOTICE_RETRY_HOURS: wholeNumber(1, 72, 6),
    MicrosoftAppId: optionalText,
    MicrosoftAppPassword: optionalText,
    MicrosoftAppType: optionalText.pipe(z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).optional()),
    MicrosoftAppTenantId: optionalText,
    /** For tests and local servers: where the channel's signing keys are published, instead of login.botframework.com. */
    BOT_OPENID_METADATA_URL: optionalUrl,
    /** For tests and local servers: where the bot gets its token for replies, instead of login.microsoftonline.com/botframework.com. */
    BOT_LOGIN_URL: optionalUrl,
    STAFF_API_TOKEN: optionalText.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
    STAFF_IDS: optionalText,
    MAX_PARTY_SIZE: wholeNumber(1, 50, 8),
    MAX_OPEN_HOLDS_PER_CUSTOMER: wholeNumber(1, 20, 2),
    /** Percent of each section that customers who have never paid may hold at once (at least one full party); 100 = no share. */
    UNPAID_HOLD_SHARE_PERCENT: wholeNumber(1, 100, 50),
    /** Open holds per event from one client address while /api/messages is anonymous (no MicrosoftAppId), where fresh user ids cost nothing. */
    ANONYMOUS_CHAT_HOLDS_PER_ADDRESS: wholeNumber(1, 1000, 4),
    /** Minutes a hold lasts; it is also the Checkout Session's lifetime, which Stripe allows from 30 minutes to 24 hours. */
    HOLD_MINUTES: wholeNumber(30, 1440, 30),
    /** The Ed25519 private key (PEM) that signs tickets' scan values; unset: one kept under .data (src/tickets/signing-key.ts). */
    TICKET_SIGNING_KEY: optionalText.pipe(z.string().refine(isEd25519PrivateKey, 'must be an Ed25519 private key in PEM (openssl genpkey -algorithm ed25519)').optional()),
    /** Hours before an event's start that its doors admit tickets. */
    CHECKIN_OPENS_HOURS_BEFORE: wholeNumber(0, 8760, 6),
    REMINDER_HOURS_BEFORE: wholeNumber(0, 336, 24),
    MAX_TRANSFERS_PER_ORDER: wholeNumber(0, 50, 5),
    /**
     * on: the payment page (Stripe's or the demo's) offers to save the card,
     * and a customer's next hold offers paying it by reply (YES). off offers
     * neither; a payment by reply already begun is still seen through.
     */
    SAVED_CARDS: z.enum(['on', 'off'], { message: 'must be on or off' }).default('on'),
    /** Minutes between reconciliation runs (the maintenance job scheduler). */
    RECONCILE_EVERY_MINUTES: wholeNumber(1, 1440, 5),
    /** Minutes an unsettled order is left to the webhook path before reconciliation asks Stripe about it. */
    RECONCILE_AFTER_MINUTES: wholeNumber(1, 1440, 10),
    /** Minutes after a hold's end before reconciliation releases it (Stripe's own expiry webhook usually comes first). */
    RECONCILE_GRACE_MINUTES: wholeNumber(1, 1440, 5),
    /** BullMQ lockDuration of the workers: a job whose worker died is taken back after at most this long. */
    WORKER_LOCK_DURATION_MS: wholeNumber(1_000, 3_600_000, 30_000),
    /** BullMQ stalledInterval: how often workers look for jobs whose worker died. */
    WORKER_STALLED_INTERVAL_MS: wholeNumber(1_000, 3_600_000, 30_000),
    /** Messages one sender (phone number, chat user) may send a minute before the bot stops answering; counted in Redis, across web processes. */
    SENDER_MESSAGES_PER_MINUTE: wholeNumber(1, 10_000, 20),
    /** Requests a minute from one IP address to the public pages (pay link, demo checkout) before 429. */
    IP_REQUESTS_PER_MINUTE: wholeNumber(1, 100_000, 300),
    /** Webhook requests a minute from one IP address that may fail their signature check before further failures get 429. */
    IP_BAD_SIGNATURES_PER_MINUTE: wholeNumber(1, 10_000, 20),
    /** `off` skips the start-up check that Redis keeps its data on disk, for a provider that persists it in a way Redis cannot show. */
    REDIS_PERSISTENCE_CHECK: z.enum(['on', 'off'], { message: 'must be on or off' }).default('on'),
  })
  .superRefine((env, ctx) => {
    const twilioParts = [env.TWILIO_ACCOUNT_SID, env.TWILIO_AUTH_TOKEN];
    if (twilioParts.some(Boolean) && !twilioParts.every(Boolean)) {
      const missing = env.TWILIO_ACCOUNT_SID ? 'TWILIO_AUTH_TOKEN' : 'TWILIO_ACCOUNT_SID';
      ctx.addIssue({ code: 'custom', path: [missing], message: 'is required when the other Twilio credential is set' });
    }
    if (env.TWILIO_ACCOUNT_SID && !env.TWILIO_FROM_NUMBER && !env.TWILIO_MESSAGING_SERVICE_SID) {
      ctx.addIssue({ code: 'custom', path: ['TWILIO_FROM_NUMBER'], message: 'or TWILIO_MESSAGING_SERVICE_SID is required to send SMS' });
    }
    if (env.STRIPE_SECRET_KEY && !env.STRIPE_WEBHOOK_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['STRIPE_WEBHOOK_SECRET'], message: 'is required with STRIPE_SECRET_KEY (Dashboard → Developers → Webhooks, or `stripe listen`)' });
    }
    if (env.MicrosoftAppId && !env.MicrosoftAppPassword && env.MicrosoftAppType !== 'UserAssignedMSI') {
      ctx.addIssue({ code: 'custom', path: ['MicrosoftAppPassword'], message: 'is required with MicrosoftAppId' });
    }
  });

/** Validated settings, read once at start-up. */
export interface Config {
  env: 'development' | 'production' | 'test';
  logLevel: string;
  port: number;
  publicBaseUrl: string;
  /** express "trust proxy": a hop count or a comma-separated list of ranges. */
  trustProxy: number | string;
  redisUrl?: string;
  /** REDIS_CLUSTER_NODES: when set, the box office runs on this Redis Cluster and redisUrl is not used. */
  redisClusterNodes?: ClusterSeed[];
  /** REDIS_CLUSTER_PASSWORD, REDIS_CLUSTER_TLS: how to reach each node of that cluster. */
  redisCluster: ClusterAccess;
  catalogPath: string;
  /** `savedCards`: SAVED_CARDS=on, at Stripe or in the demo checkout. */
  stripe: { secretKey?: string; webhookSecret?: string; apiUrl?: string; timeoutMs: number; demo: boolean; savedCards: boolean };
  twilio: { accountSid?: string; authToken?: string; fromNumber?: string; messagingServiceSid?: string; apiUrl?: string; smsPerSecond: number };
  /** `openIdMetadataUrl`, `loginUrl`: BOT_OPENID_METADATA_URL and BOT_LOGIN_URL, unset but for tests and local servers. */
  botFramework: { appId: string; appPassword: string; appType: string; tenantId: string; openIdMetadataUrl?: string; loginUrl?: string };
  staff: { apiToken?: string; ids: string[] };
  limits: { maxPartySize: number; maxOpenHoldsPerCustomer: number; holdMinutes: number };
  /** Limits on seats held but not paid, beyond the per-customer one: fresh identities are cheap. */
  unpaidHolds: { sharePercent: number; perAnonymousAddress: number };
  reconcile: { everyMinutes: number; afterMinutes: number; graceMinutes: number };
  /** Messages to customers: how long one keeps being retried before staff are asked (NOTICE_RETRY_HOURS). */
  notices: { retryHours: number };
  worker: { lockDurationMs: number; stalledIntervalMs: number };
  /** Inbound limits: per sender in Redis, per IP in each process's memory. */
  protection: { senderMessagesPerMinute: number; ipRequestsPerMinute: number; ipBadSignaturesPerMinute: number };
  /** Check at start-up that Redis keeps its data on disk (REDIS_PERSISTENCE_CHECK). */
  checkRedisPersistence: boolean;
  /**
   * Tickets at the door: the signing key (TICKET_SIGNING_KEY), when doors open
   * (CHECKIN_OPENS_HOURS_BEFORE), and when the reminder with the ticket link
   * goes (REMINDER_HOURS_BEFORE; 0: none), and how often one order's tickets
   * may be given on (MAX_TRANSFERS_PER_ORDER; 0: never).
   */
  tickets: { signingKey?: string; opensHoursBefore: number; reminderHoursBefore: number; maxTransfersPerOrder: number };
}

/**
 * What a configuration must not lack once it takes real money. Each problem
 * names the variable that fixes it. With NODE_ENV=production the first one
 * stops start-up; elsewhere they are only warned about (a laptop needs none).
 */
const PRODUCTION_RULES: ReadonlyArray<{ variable: string; unsafe: (config: Config) => boolean; problem: string }> = [
  { variable: 'STRIPE_SECRET_KEY', unsafe: (c) => c.stripe.demo, problem: 'is required with NODE_ENV=production: the demo checkout takes no money' },
  {
    variable: 'PUBLIC_BASE_URL',
    unsafe: (c) => !c.publicBaseUrl.startsWith('https://'),
    problem: 'must be an https:// URL with NODE_ENV=production: customers open pay links on it and Twilio signs its webhooks to it',
  },
  {
    variable: 'TWILIO_AUTH_TOKEN',
    unsafe: (c) => !c.twilio.authToken,
    problem: 'is required with NODE_ENV=production: Twilio signs inbound SMS with it, and without it they cannot be checked',
  },
  {
    variable: 'MicrosoftAppId',
    unsafe: (c) => !c.botFramework.appId,
    problem: 'is required with NODE_ENV=production (with MicrosoftAppPassword): without it /api/messages is anonymous and anyone can chat as any user',
  },
  {
    variable: 'BOT_OPENID_METADATA_URL',
    unsafe: (c) => c.botFramework.openIdMetadataUrl !== undefined || c.botFramework.loginUrl !== undefined,
    problem: 'and BOT_LOGIN_URL must not be set with NODE_ENV=production: whoever serves them can sign chat as any user of any channel',
  },
  { variable: 'STAFF_API_TOKEN', unsafe: (c) => !c.staff.apiToken, problem: 'is required with NODE_ENV=production: without it no one can look up or refund an order' },
];

/** Every production rule this configuration breaks, one line each: `VARIABLE problem`. */
export function productionProblems(config: Config): string[] {
  return PRODUCTION_RULES.filter((rule) => rule.unsafe(config)).map((rule) => `${rule.variable} ${rule.problem}`);
}

/** Raised when the environment cannot be used; its message is one line naming the variable. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Parses and checks the environment. Throws ConfigError naming the first bad
 * variable, or with NODE_ENV=production the first production rule it breaks.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'environment');
    throw new ConfigError(`Configuration error: ${name} ${issue.message}`);
  }
  const config = fromEnv(parsed.data);
  const [unsafe] = config.env === 'production' ? productionProblems(config) : [];
  if (unsafe) throw new ConfigError(`Configuration error: ${unsafe}`);
  return config;
}

function fromEnv(e: z.infer<typeof envSchema>): Config {
  return {
    env: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    port: e.PORT,
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    trustProxy: e.TRUST_PROXY === undefined ? 'loopback' : /^\d+$/.test(e.TRUST_PROXY) ? Number(e.TRUST_PROXY) : e.TRUST_PROXY,
    redisUrl: e.REDIS_URL,
    redisClusterNodes: e.REDIS_CLUSTER_NODES === undefined ? undefined : parseClusterNodes(e.REDIS_CLUSTER_NODES),
    redisCluster: { password: e.REDIS_CLUSTER_PASSWORD, tls: e.REDIS_CLUSTER_TLS === 'on' },
    catalogPath: e.CATALOG_PATH ? resolve(process.cwd(), e.CATALOG_PATH) : join(PROJECT_ROOT, 'catalog', 'sample-events.json'),
    stripe: {
      secretKey: e.STRIPE_SECRET_KEY,
      webhookSecret: e.STRIPE_WEBHOOK_SECRET,
      apiUrl: e.STRIPE_API_URL,
      timeoutMs: e.STRIPE_TIMEOUT_MS,
      demo: !e.STRIPE_SECRET_KEY,
      savedCards: e.SAVED_CARDS === 'on',
    },
    twilio: {
      accountSid: e.TWILIO_ACCOUNT_SID,
      authToken: e.TWILIO_AUTH_TOKEN,
      fromNumber: e.TWILIO_FROM_NUMBER,
      messagingServiceSid: e.TWILIO_MESSAGING_SERVICE_SID,
      apiUrl: e.TWILIO_API_URL,
      smsPerSecond: e.SMS_PER_SECOND,
    },
    botFramework: {
      appId: e.MicrosoftAppId ?? '',
      appPassword: e.MicrosoftAppPassword ?? '',
      appType: e.MicrosoftAppType ?? 'MultiTenant',
      tenantId: e.MicrosoftAppTenantId ?? '',
      openIdMetadataUrl: e.BOT_OPENID_METADATA_URL,
      loginUrl: e.BOT_LOGIN_URL,
    },
    staff: {
      apiToken: e.STAFF_API_TOKEN,
      ids: (e.STAFF_IDS ?? '').split(',').map((id) => id.trim()).filter(Boolean),
    },
    limits: {
      maxPartySize: e.MAX_PARTY_SIZE,
      maxOpenHoldsPerCustomer: e.MAX_OPEN_HOLDS_PER_CUSTOMER,
      holdMinutes: e.HOLD_MINUTES,
    },
    unpaidHolds: { sharePercent: e.UNPAID_HOLD_SHARE_PERCENT, perAnonymousAddress: e.ANONYMOUS_CHAT_HOLDS_PER_ADDRESS },
    reconcile: {
      everyMinutes: e.RECONCILE_EVERY_MINUTES,
      afterMinutes: e.RECONCILE_AFTER_MINUTES,
      graceMinutes: e.RECONCILE_GRACE_MINUTES,
    },
    notices: { retryHours: e.NOTICE_RETRY_HOURS },
    worker: { lockDurationMs: e.WORKER_LOCK_DURATION_MS, stalledIntervalMs: e.WORKER_STALLED_INTERVAL_MS },
    protection: {
      senderMessagesPerMinute: e.SENDER_MESSAGES_PER_MINUTE,
      ipRequestsPerMinute: e.IP_REQUESTS_PER_MINUTE,
      ipBadSignaturesPerMinute: e.IP_BAD_SIGNATURES_PER_MINUTE,
    },
    checkRedisPersistence: e.REDIS_PERSISTENCE_CHECK === 'on',
    tickets: { signingKey: e.TICKET_SIGNING_KEY, opensHoursBefore: e.CHECKIN_OPENS_HOURS_BEFORE, reminderHoursBefore: e.REMINDER_HOURS_BEFORE, maxTransfersPerOrder: e.MAX_TRANSFERS_PER_ORDER },
  };
}
