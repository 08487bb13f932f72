import Stripe from 'stripe';

/** How to reach Stripe. */
export interface StripeClientOptions {
  /** The secret API key (`sk_test_…` / `sk_live_…`, or a restricted `rk_…` key). */
  secretKey: string;
  /**
   * Send every API call to this base URL instead of https://api.stripe.com
   * (the `STRIPE_API_URL` setting), e.g. `http://127.0.0.1:4010` for a local
   * Stripe-compatible server. Scheme, host and port come from the URL; it may
   * not carry a path, because the SDK has no base-path option.
   * @default undefined (api.stripe.com)
   */
  apiUrl?: string;
  /**
   * Automatic retries on network errors, 409 and 5xx, with exponential
   * backoff. Safe because every POST carries an Idempotency-Key.
   * @default 2 towards api.stripe.com, 0 towards `apiUrl` (tests count requests)
   */
  maxNetworkRetries?: number;
  /**
   * Per-request timeout in milliseconds. Kept well under the SDK's 80 s:
   * checkout links are created while Twilio waits on the inbound-SMS webhook,
   * and Twilio gives up after 15 s in all.
   * @default 10000
   */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const PRODUCTION_RETRIES = 2;

/**
 * The Stripe SDK, optionally pointed at another base URL.
 *
 * Quirk: stripe-node adds an `Idempotency-Key` to every v1 POST, even with
 * retries off, and retries a closed connection once regardless of
 * `maxNetworkRetries` (https://github.com/stripe/stripe-node/issues/1040).
 * Callers still pass their own key derived from our ids (DESIGN rule 5), so
 * a retry of the whole job, not only of one HTTP call, is deduplicated too.
 */
export function createStripeClient(options: StripeClientOptions): Stripe {
  const target = options.apiUrl === undefined ? {} : stripeTarget(options.apiUrl);
  return new Stripe(options.secretKey, {
    ...target,
    maxNetworkRetries: options.maxNetworkRetries ?? (options.apiUrl ? 0 : PRODUCTION_RETRIES),
    timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    // Request timings sent back to Stripe: with over 100 calls in flight (an
    // on-sale) the SDK's buffer fills and it writes a warning to stderr for each.
    telemetry: false,
  });
}

/** `http://127.0.0.1:4010` → `{ protocol: 'http', host: '127.0.0.1', port: 4010 }`. */
function stripeTarget(apiUrl: string): { protocol: 'http' | 'https'; host: string; port: number } {
  const url = new URL(apiUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`STRIPE_API_URL must be an http(s) URL, got "${url.protocol}"`);
  }
  if (url.pathname !== '/' || url.search !== '') {
    throw new Error('STRIPE_API_URL must be a bare origin such as http://127.0.0.1:4010 (no path or query)');
  }
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  const port = url.port ? Number(url.port) : protocol === 'http' ? 80 : 443;
  // URL keeps IPv6 hosts bracketed ("[::1]"); Node's http.request wants them bare.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return { protocol, host, port };
}
