import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

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
    expect(config.stripe).toEqual({ secretKey: 'sk_test_abc', webhookSecret: 'whsec_abc', apiUrl: 'http://127.0.0.1:4010', demo: false });
    expect(config.twilio.apiUrl).toBe('http://127.0.0.1:4020');
    expect(config.botFramework).toEqual({ appId: 'app-id', appPassword: 'app-password', appType: 'SingleTenant', tenantId: 'tenant' });
    expect(config.staff.ids).toEqual(['+15550001111', 'user-42']);
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

  it('never repeats a secret value in its error', () => {
    expect(() => loadConfig({ STRIPE_SECRET_KEY: 'pk_live_super_secret_value', STRIPE_WEBHOOK_SECRET: 'whsec_x' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('super_secret') }),
    );
  });
});
