import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import { z } from 'zod';

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

const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    PORT: wholeNumber(1, 65535, 3978),
    PUBLIC_BASE_URL: optionalUrl,
    REDIS_URL: optionalText.pipe(
      z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').optional(),
    ),
    CATALOG_PATH: optionalText,
    STRIPE_SECRET_KEY: optionalText.pipe(
      z.string().regex(/^(sk|rk)_(test|live)_/, 'must be a Stripe secret key (sk_test_… or sk_live_…)').optional(),
    ),
    STRIPE_WEBHOOK_SECRET: optionalText.pipe(
      z.string().startsWith('whsec_', 'must be a webhook signing secret (whsec_…)').optional(),
    ),
    STRIPE_API_URL: optionalUrl,
    TWILIO_ACCOUNT_SID: optionalText.pipe(z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must look like AC followed by 32 hex digits').optional()),
    TWILIO_AUTH_TOKEN: optionalText,
    TWILIO_FROM_NUMBER: optionalText.pipe(z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number such as +15551234567').optional()),
    TWILIO_MESSAGING_SERVICE_SID: optionalText.pipe(z.string().regex(/^MG[0-9a-fA-F]{32}$/, 'must look like MG followed by 32 hex digits').optional()),
    TWILIO_API_URL: optionalUrl,
    /** Outbound SMS per second from our sender: 1 suits one US long code; raise it for a toll-free number, short code or Messaging Service pool. */
    SMS_PER_SECOND: wholeNumber(1, 10_000, 1),
    MicrosoftAppId: optionalText,
    MicrosoftAppPassword: optionalText,
    MicrosoftAppType: optionalText.pipe(z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).optional()),
    MicrosoftAppTenantId: optionalText,
    STAFF_API_TOKEN: optionalText.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
    STAFF_IDS: optionalText,
    MAX_PARTY_SIZE: wholeNumber(1, 50, 8),
    MAX_OPEN_HOLDS_PER_CUSTOMER: wholeNumber(1, 20, 2),
    /** Minutes a hold lasts; it is also the Checkout Session's lifetime, which Stripe allows from 30 minutes to 24 hours. */
    HOLD_MINUTES: wholeNumber(30, 1440, 30),
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
    if (env.NODE_ENV === 'production' && !env.STRIPE_SECRET_KEY) {
      ctx.addIssue({ code: 'custom', path: ['STRIPE_SECRET_KEY'], message: 'is required with NODE_ENV=production: the demo checkout takes no money' });
    }
  });

/** Validated settings, read once at start-up. */
export interface Config {
  env: 'development' | 'production' | 'test';
  logLevel: string;
  port: number;
  publicBaseUrl: string;
  redisUrl?: string;
  catalogPath: string;
  stripe: { secretKey?: string; webhookSecret?: string; apiUrl?: string; demo: boolean };
  twilio: { accountSid?: string; authToken?: string; fromNumber?: string; messagingServiceSid?: string; apiUrl?: string; smsPerSecond: number };
  botFramework: { appId: string; appPassword: string; appType: string; tenantId: string };
  staff: { apiToken?: string; ids: string[] };
  limits: { maxPartySize: number; maxOpenHoldsPerCustomer: number; holdMinutes: number };
  reconcile: { everyMinutes: number; afterMinutes: number; graceMinutes: number };
  worker: { lockDurationMs: number; stalledIntervalMs: number };
}

/** Raised when the environment cannot be used; its message is one line naming the variable. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Parses and checks the environment. Throws ConfigError naming the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'environment');
    throw new ConfigError(`Configuration error: ${name} ${issue.message}`);
  }
  const e = parsed.data;
  return {
    env: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    port: e.PORT,
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    redisUrl: e.REDIS_URL,
    catalogPath: e.CATALOG_PATH ? resolve(process.cwd(), e.CATALOG_PATH) : join(PROJECT_ROOT, 'catalog', 'sample-events.json'),
    stripe: {
      secretKey: e.STRIPE_SECRET_KEY,
      webhookSecret: e.STRIPE_WEBHOOK_SECRET,
      apiUrl: e.STRIPE_API_URL,
      demo: !e.STRIPE_SECRET_KEY,
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
    reconcile: {
      everyMinutes: e.RECONCILE_EVERY_MINUTES,
      afterMinutes: e.RECONCILE_AFTER_MINUTES,
      graceMinutes: e.RECONCILE_GRACE_MINUTES,
    },
    worker: { lockDurationMs: e.WORKER_LOCK_DURATION_MS, stalledIntervalMs: e.WORKER_STALLED_INTERVAL_MS },
  };
}
