// Twilio must be default-imported under ESM: named imports type-check but are
// undefined at run time (see STACK.md).
import twilio from 'twilio';

/** How to reach Twilio's REST API. */
export interface TwilioClientOptions {
  /** The account SID (`AC…`). */
  accountSid: string;
  /** The account's auth token (also the key Twilio signs webhooks with). */
  authToken: string;
  /**
   * Send every REST call to this base URL instead of https://api.twilio.com
   * (the `TWILIO_API_URL` setting), e.g. `http://127.0.0.1:4020` for a local
   * Twilio-compatible server. Scheme, host and port are replaced; the API
   * path and query are kept (after any path this URL carries).
   * @default undefined (api.twilio.com)
   */
  apiUrl?: string;
  /**
   * Per-request timeout in milliseconds (Twilio's own default is 30 s).
   * @default 10000
   */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;

type RequestOptions<TData> = Parameters<typeof twilio.RequestClient.prototype.request<TData>>[0];

/**
 * A RequestClient that sends every call to another base URL. The SDK builds
 * absolute api.twilio.com URIs in each resource and offers no base-URL option,
 * so the http client is the one place to redirect them.
 * https://www.twilio.com/docs/libraries/reference/twilio-node/#custom-http-client
 */
export class BaseUrlRequestClient extends twilio.RequestClient {
  readonly #base: URL;

  constructor(apiUrl: string, options: ConstructorParameters<typeof twilio.RequestClient>[0] = {}) {
    super(options);
    this.#base = parseBaseUrl(apiUrl);
  }

  override request<TData>(opts: RequestOptions<TData>) {
    return super.request<TData>({ ...opts, uri: rebase(opts.uri, this.#base) });
  }
}

/**
 * The real twilio client. 429 answers are retried with backoff (a 429 means
 * Twilio did not accept the message, so a retry cannot send it twice).
 */
export function createTwilioClient(options: TwilioClientOptions): twilio.Twilio {
  const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const retry = { autoRetry: true, maxRetries: 3 };
  const httpClient = options.apiUrl === undefined ? undefined : new BaseUrlRequestClient(options.apiUrl, { timeout, ...retry });
  return twilio(options.accountSid, options.authToken, { httpClient, timeout, ...retry });
}

function parseBaseUrl(apiUrl: string): URL {
  const base = new URL(apiUrl);
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new Error(`TWILIO_API_URL must be an http(s) URL, got "${base.protocol}"`);
  }
  return base;
}

/** `https://api.twilio.com/2010-04-01/…?x=1` on `http://127.0.0.1:4020` → `http://127.0.0.1:4020/2010-04-01/…?x=1`. */
export function rebase(uri: string, base: URL): string {
  const original = new URL(uri);
  const target = new URL(base.href);
  target.pathname = base.pathname.replace(/\/+$/, '') + original.pathname;
  target.search = original.search;
  return target.href;
}
