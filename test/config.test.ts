import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, productionProblems } from '../src/config.js';

/** A production environment with nothing unsafe in it; each refusal below takes one thing away. */
const SAFE_PRODUCTION = {
  NODE_ENV: 'production',
  PUBLIC_BASE_URL: 'https://tickets.example.com',
  STRIPE_SECRET_KEY: 'sk_live_abc',
  STRIPE_WEBHOOK_SECRET: 'whsec_abc',
  TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`,
  TWILIO_AUTH_TOKEN: 'token',
  TWILIO_FROM_NUMBER: '+15551234567',
  MicrosoftAppId: 'app-id',
  MicrosoftAppPassword: 'app-password',
  STAFF_API_TOKEN: 'a-long-staff-token-123',
};

function without(env: Record<string, string>, ...names: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !names.includes(name)));
}

function expectOneLineRefusal(env: Record<string, string>, message: RegExp): void {
  let error: unknown;
  try {
    loadConfig(env);
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as Error).message).toMatch(message);
  expect((error as Error).message).not.toContain('\n');
}

describe('configuration', () => {
  it('starts with nothing set: demo checkout, port 3978, the sample catalog', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3978);
    expect(config.publicBaseUrl).toBe('http://localhost:3978');
    expect(config.stripe.demo).toBe(true);
    expect(config.catalogPath).toMatch(/catalog[/\\]sample-events\.json$/);
    expect(config.limits).toEqual({ maxPartySize: 8, maxOpenHoldsPerCustomer: 2, holdMinutes: 30 });
    expect(config.staff).toEqual({ apiToken: undefined, ids: [] });
  });

  it('reads every variable of the contract', () => {
    const config = loadConfig({
      PORT: '8080',
      PUBLIC_BASE_URL: 'https://tickets.example.com/',
      REDIS_URL: 'redis://cache:6379',
      CATALOG_PATH: '/etc/box-office/events.json',
      STRIPE_SECRET_KEY: 'sk_test_abc',
      STRIPE_WEBHOOK_SECRET: 'whsec_abc',
      STRIPE_API_URL: 'http://127.0.0.1:4010',
      TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`,
      TWILIO_AUTH_TOKEN: 'token',
      TWILIO_FROM_NUMBER: '+15551234567',
      TWILIO_API_URL: 'http://127.0.0.1:4020',
      MicrosoftAppId: 'app-id',
      MicrosoftAppPassword: 'app-password',
      MicrosoftAppType: 'SingleTenant',
      MicrosoftAppTenantId: 'tenant',
      STAFF_API_TOKEN: 'a-long-staff-token-123',
      STAFF_IDS: '+15550001111, user-42 ,',
    });
    expect(config.port).toBe(8080);
    expect(config.publicBaseUrl).toBe('https://tickets.example.com');
    expect(config.redisUrl).toBe('redis://cache:6379');
    expect(config.catalogPath).toBe('/etc/box-office/events.json');
    expect(config.stripe).toEqual({ secretKey: 'sk_test_abc', webhookSecret: 'whsec_abc', apiUrl: 'http://127.0.0.1:4010', timeoutMs: 10_000, demo: false, savedCards: true });
    expect(config.twilio.apiUrl).toBe('http://127.0.0.1:4020');
    expect(config.botFramework).toEqual({ appId: 'app-id', appPassword: 'app-password', appType: 'SingleTenant', tenantId: 'tenant' });
    expect(config.staff.ids).toEqual(['+15550001111', 'user-42']);
  });

  it('reads REDIS_CLUSTER_NODES as seed nodes (names, addresses, IPv6 in brackets) and refuses what is not host:port', () => {
    expect(loadConfig({ REDIS_CLUSTER_NODES: 'redis-1:6379, 10.0.0.7:7001,[::1]:7002' }).redisClusterNodes).toEqual([
      { host: 'redis-1', port: 6379 },
      { host: '10.0.0.7', port: 7001 },
      { host: '::1', port: 7002 },
    ]);
    expect(loadConfig({}).redisClusterNodes).toBeUndefined();
    for (const bad of ['redis-1', 'redis-1:', 'redis-1:70000', 'redis://redis-1:6379', 'a:1,,b']) {
      expect(() => loadConfig({ REDIS_CLUSTER_NODES: bad }), bad).toThrow(/^Configuration error: REDIS_CLUSTER_NODES must be comma-separated host:port seed nodes/);
    }
  });

  it.each([
    [{ PORT: 'abc' }, /^Configuration error: PORT must be a whole number/],
    [{ PORT: '70000' }, /^Configuration error: PORT /],
    [{ PUBLIC_BASE_URL: 'not a url' }, /^Configuration error: PUBLIC_BASE_URL must be a URL/],
    [{ REDIS_URL: 'localhost:6379' }, /^Configuration error: REDIS_URL must start with redis:\/\//],
    [{ STRIPE_SECRET_KEY: 'pk_test_123', STRIPE_WEBHOOK_SECRET: 'whsec_x' }, /^Configuration error: STRIPE_SECRET_KEY must be a Stripe secret key/],
    [{ STRIPE_SECRET_KEY: 'sk_test_123' }, /^Configuration error: STRIPE_WEBHOOK_SECRET is required/],
    [{ TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}` }, /^Configuration error: TWILIO_AUTH_TOKEN is required/],
    [{ TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`, TWILIO_AUTH_TOKEN: 't' }, /^Configuration error: TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID/],
    [{ TWILIO_FROM_NUMBER: '555-1234' }, /^Configuration error: TWILIO_FROM_NUMBER must be an E\.164 number/],
    [{ MicrosoftAppId: 'id' }, /^Configuration error: MicrosoftAppPassword is required/],
    [{ STAFF_API_TOKEN: 'short' }, /^Configuration error: STAFF_API_TOKEN must be at least 16 characters/],
    [{ MAX_PARTY_SIZE: '0' }, /^Configuration error: MAX_PARTY_SIZE /],
    [{ HOLD_MINUTES: '10' }, /^Configuration error: HOLD_MINUTES /],
    [{ NOTICE_RETRY_HOURS: '0' }, /^Configuration error: NOTICE_RETRY_HOURS must be a whole number between 1 and 72/],
    [{ NOTICE_RETRY_HOURS: '1.5' }, /^Configuration error: NOTICE_RETRY_HOURS /],
    [{ STRIPE_TIMEOUT_MS: 'soon' }, /^Configuration error: STRIPE_TIMEOUT_MS must be a whole number/],
    [{ NODE_ENV: 'production' }, /^Configuration error: STRIPE_SECRET_KEY is required with NODE_ENV=production/],
  ])('refuses %j with one line naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    try {
      loadConfig(env);
    } catch (err) {
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).not.toContain('\n');
    }
  });

  it('has inbound limits that fit real use, and checks Redis persistence, unless told otherwise', () => {
    const config = loadConfig({});
    expect(config.protection).toEqual({ senderMessagesPerMinute: 20, ipRequestsPerMinute: 300, ipBadSignaturesPerMinute: 20 });
    expect(config.checkRedisPersistence).toBe(true);
    expect(config.trustProxy).toBe('loopback');

    const tuned = loadConfig({
      SENDER_MESSAGES_PER_MINUTE: '5',
      IP_REQUESTS_PER_MINUTE: '1000',
      IP_BAD_SIGNATURES_PER_MINUTE: '3',
      REDIS_PERSISTENCE_CHECK: 'off',
      TRUST_PROXY: '10.0.0.0/8, loopback',
    });
    expect(tuned.protection).toEqual({ senderMessagesPerMinute: 5, ipRequestsPerMinute: 1000, ipBadSignaturesPerMinute: 3 });
    expect(tuned.checkRedisPersistence).toBe(false);
    expect(tuned.trustProxy).toBe('10.0.0.0/8, loopback');
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
  });

  it.each([
    [{ SENDER_MESSAGES_PER_MINUTE: '0' }, /^Configuration error: SENDER_MESSAGES_PER_MINUTE must be a whole number/],
    [{ IP_REQUESTS_PER_MINUTE: 'lots' }, /^Configuration error: IP_REQUESTS_PER_MINUTE must be a whole number/],
    [{ IP_BAD_SIGNATURES_PER_MINUTE: '-1' }, /^Configuration error: IP_BAD_SIGNATURES_PER_MINUTE must be a whole number/],
    [{ REDIS_PERSISTENCE_CHECK: 'maybe' }, /^Configuration error: REDIS_PERSISTENCE_CHECK must be on or off/],
    // "true" would let any client name its own address in X-Forwarded-For and slip every per-IP limit.
    [{ TRUST_PROXY: 'true' }, /^Configuration error: TRUST_PROXY must be a hop count/],
    [{ TRUST_PROXY: '10.0.0.0/99' }, /^Configuration error: TRUST_PROXY /],
  ])('refuses a bad limit %j with one line naming it', (env, message) => {
    expectOneLineRefusal(env, message);
  });

  describe('NODE_ENV=production refuses an unsafe configuration, one problem at a time, naming the variable to set', () => {
    it('takes a safe one', () => {
      expect(loadConfig(SAFE_PRODUCTION).env).toBe('production');
    });

    it.each([
      ['the demo checkout', without(SAFE_PRODUCTION, 'STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET'), /^Configuration error: STRIPE_SECRET_KEY is required with NODE_ENV=production: the demo checkout/],
      ['no Stripe webhook secret', without(SAFE_PRODUCTION, 'STRIPE_WEBHOOK_SECRET'), /^Configuration error: STRIPE_WEBHOOK_SECRET is required/],
      ['PUBLIC_BASE_URL over http', { ...SAFE_PRODUCTION, PUBLIC_BASE_URL: 'http://tickets.example.com' }, /^Configuration error: PUBLIC_BASE_URL must be an https:\/\/ URL with NODE_ENV=production/],
      ['no PUBLIC_BASE_URL (http://localhost)', without(SAFE_PRODUCTION, 'PUBLIC_BASE_URL'), /^Configuration error: PUBLIC_BASE_URL must be an https:\/\/ URL/],
      ['no Twilio signing secret', without(SAFE_PRODUCTION, 'TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM_NUMBER'), /^Configuration error: TWILIO_AUTH_TOKEN is required with NODE_ENV=production/],
      ['an anonymous Bot Framework endpoint', without(SAFE_PRODUCTION, 'MicrosoftAppId', 'MicrosoftAppPassword'), /^Configuration error: MicrosoftAppId is required with NODE_ENV=production .*anonymous/],
      ['no staff token', without(SAFE_PRODUCTION, 'STAFF_API_TOKEN'), /^Configuration error: STAFF_API_TOKEN is required with NODE_ENV=production/],
      ['chat tokens checked against a local server', { ...SAFE_PRODUCTION, BOT_OPENID_METADATA_URL: 'http://127.0.0.1:4011/openid' }, /^Configuration error: BOT_OPENID_METADATA_URL and BOT_LOGIN_URL must not be set with NODE_ENV=production/],
      ["the bot's token from a local server", { ...SAFE_PRODUCTION, BOT_LOGIN_URL: 'http://127.0.0.1:4011' }, /^Configuration error: BOT_OPENID_METADATA_URL and BOT_LOGIN_URL must not be set/],
    ])('%s', (_what, env, message) => {
      expectOneLineRefusal(env, message);
    });

    it('lists the same problems, without refusing, outside production (for a warning)', () => {
      expect(productionProblems(loadConfig({ ...SAFE_PRODUCTION, NODE_ENV: 'development' }))).toEqual([]);
      const laptop = productionProblems(loadConfig({}));
      expect(laptop.map((problem) => problem.split(' ')[0])).toEqual(['STRIPE_SECRET_KEY', 'PUBLIC_BASE_URL', 'TWILIO_AUTH_TOKEN', 'MicrosoftAppId', 'STAFF_API_TOKEN']);
    });
  });

  it('never repeats a secret value in its error', () => {
    expect(() => loadConfig({ STRIPE_SECRET_KEY: 'pk_live_super_secret_value', STRIPE_WEBHOOK_SECRET: 'whsec_x' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('super_secret') }),
    );
  });
});
