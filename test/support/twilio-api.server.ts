// A small Twilio-compatible HTTP server for tests. The real `twilio` SDK is
// pointed at it (createTwilioClient({ apiUrl })) so tests check what the SDK
// really sends and how the code under test handles Twilio's real answers,
// including its error shape. It records every request and answers
//   POST /2010-04-01/Accounts/:sid/Messages.json   send a message
//   GET  /2010-04-01/Accounts/:sid/Messages.json   list messages (To, From, DateSent filters; pages)
// https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource
// https://www.twilio.com/docs/messaging/api/message-resource#read-multiple-message-resources
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer } from './local-server.js';

/** One request as the server received it. */
export interface RecordedTwilioRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Query string fields (a GET's filters, e.g. `To`, `DateSent>`, `PageSize`). */
  query: Record<string, string>;
  /** HTTP Basic credentials, or null when the request had none. */
  auth: { username: string; password: string } | null;
  /** Form fields; a repeated field (MediaUrl) becomes an array. */
  body: Record<string, string | string[]>;
  rawBody: string;
}

/** Twilio's REST error body: https://www.twilio.com/docs/usage/twilios-response#response-formats-exceptions */
export interface TwilioErrorBody {
  status: number;
  code: number;
  message: string;
  more_info: string;
}

/** A Message resource as Twilio returns it (snake_case, as on the wire). */
export interface FakeTwilioMessage {
  sid: string;
  account_sid: string;
  api_version: '2010-04-01';
  to: string;
  from: string | null;
  messaging_service_sid: string | null;
  body: string;
  status: 'queued' | 'accepted' | 'sent' | 'delivered' | 'undelivered' | 'failed';
  direction: 'outbound-api';
  num_segments: string;
  num_media: string;
  error_code: number | null;
  error_message: string | null;
  price: string | null;
  price_unit: string;
  date_created: string;
  date_updated: string;
  date_sent: string | null;
  uri: string;
  subresource_uris: { media: string };
  /** Not part of Twilio's answer: what the request asked for, kept for assertions. */
  status_callback?: string | null;
}

export interface TwilioApiServerOptions {
  /**
   * Delay every answer by this many milliseconds. The request has taken
   * effect before the wait (a message is accepted and listed at once), as
   * when Twilio's answer is slow on the way back. @default 0
   */
  latencyMs?: number;
}

/** What failFor() answers for a recipient. */
export interface TwilioFailure {
  /** @default 400 */
  status?: number;
  /** Twilio error code, e.g. 21610 (unsubscribed recipient), 21211 (invalid 'To' number). */
  code: number;
  /** @default a message for the known codes */
  message?: string;
}

export interface TwilioApiServer {
  /** Base URL to pass as `apiUrl` / TWILIO_API_URL. */
  url: string;
  /** Every request received, in arrival order. */
  requests: RecordedTwilioRequest[];
  /**
   * Messages Twilio accepted (201), in order. Each is handed to the carrier at
   * once: status `sent` and a `date_sent` (the answer to the create still says
   * `queued`, as Twilio's does).
   */
  messages: FakeTwilioMessage[];
  /** Every message to `to` fails with Twilio's error, until clearFailures(). */
  failFor(to: string, failure: TwilioFailure): void;
  /** The next request fails (a 500 or 429, say), whoever it is for. */
  failNext(failure: TwilioFailure): void;
  clearFailures(): void;
  setLatency(ms: number): void;
  close(): Promise<void>;
}

/** Messages for the error codes tests use; see https://www.twilio.com/docs/api/errors */
const KNOWN_ERRORS: Record<number, string> = {
  20003: 'Authenticate',
  20429: 'Too Many Requests',
  21211: "Invalid 'To' Phone Number",
  21602: 'Message body is required.',
  21603: "A 'From' phone number is required.",
  21604: "A 'To' phone number is required.",
  21610: 'Attempt to send to unsubscribed recipient',
  21617: 'The concatenated message body exceeds the 1600 character limit.',
};
const MAX_BODY_CHARS = 1600;

type Reply = { status: number; body: unknown };

class TwilioHttpError extends Error {
  constructor(readonly failure: TwilioFailure) {
    super(failure.message ?? KNOWN_ERRORS[failure.code] ?? `Twilio error ${failure.code}`);
  }

  toReply(): Reply {
    const status = this.failure.status ?? 400;
    const body: TwilioErrorBody = {
      status,
      code: this.failure.code,
      message: this.message,
      more_info: `https://www.twilio.com/docs/errors/${this.failure.code}`,
    };
    return { status, body };
  }
}

/** Starts the server on 127.0.0.1 on a free port. */
export async function startTwilioApiServer(options: TwilioApiServerOptions = {}): Promise<TwilioApiServer> {
  const state = new FakeTwilio();
  let latencyMs = options.latencyMs ?? 0;
  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => send(res, 500, { status: 500, code: 20500, message: String(err) }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const recorded = await record(req);
    state.requests.push(recorded);
    // Answered before the wait: a slow answer does not mean Twilio has not acted.
    const reply = state.answer(recorded);
    if (latencyMs > 0) await sleep(latencyMs);
    send(res, reply.status, reply.body);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: state.requests,
    messages: state.messages,
    failFor: (to, failure) => state.failuresByRecipient.set(to, failure),
    failNext: (failure) => state.nextFailures.push(failure),
    clearFailures: () => {
      state.failuresByRecipient.clear();
      state.nextFailures.length = 0;
    },
    setLatency: (ms) => {
      latencyMs = ms;
    },
    close: () => closeServer(server),
  };
}

class FakeTwilio {
  readonly requests: RecordedTwilioRequest[] = [];
  readonly messages: FakeTwilioMessage[] = [];
  readonly failuresByRecipient = new Map<string, TwilioFailure>();
  readonly nextFailures: TwilioFailure[] = [];

  answer(req: RecordedTwilioRequest): Reply {
    try {
      if (!req.auth) throw new TwilioHttpError({ status: 401, code: 20003 });
      const next = this.nextFailures.shift();
      if (next) throw new TwilioHttpError(next);
      return this.#route(req);
    } catch (err) {
      if (err instanceof TwilioHttpError) return err.toReply();
      throw err;
    }
  }

  #route(req: RecordedTwilioRequest): Reply {
    const m = req.path.match(/^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/);
    if (req.method === 'POST' && m) return { status: 201, body: this.#createMessage(decodeURIComponent(m[1]!), req.body) };
    if (req.method === 'GET' && m) return { status: 200, body: this.#listMessages(decodeURIComponent(m[1]!), req) };
    const message = `The requested resource ${req.path} was not found`;
    return { status: 404, body: { status: 404, code: 20404, message, more_info: 'https://www.twilio.com/docs/errors/20404' } };
  }

  #createMessage(accountSid: string, form: Record<string, string | string[]>): FakeTwilioMessage {
    const field = (name: string) => first(form[name]);
    const [to, from, service, body] = [field('To'), field('From'), field('MessagingServiceSid'), field('Body') ?? ''];
    if (!to) throw new TwilioHttpError({ code: 21604 });
    if (!from && !service) throw new TwilioHttpError({ code: 21603 });
    if (!body && !form.MediaUrl && !form.ContentSid) throw new TwilioHttpError({ code: 21602 });
    if (body.length > MAX_BODY_CHARS) throw new TwilioHttpError({ code: 21617 });
    const failure = this.failuresByRecipient.get(to);
    if (failure) throw new TwilioHttpError(failure);
    const message = newMessage({ accountSid, to, from: from ?? null, service: service ?? null, body });
    message.status_callback = field('StatusCallback') ?? null;
    const answer = { ...message };
    // Handed to the carrier at once, as Twilio does within a second when the
    // sender is under its rate. Until then a message has no date_sent, and no
    // DateSent filter finds it.
    const sentAt = rfc2822(new Date());
    Object.assign(message, { status: 'sent', date_sent: sentAt, date_updated: sentAt });
    this.messages.push(message);
    return answer;
  }

  /** Twilio's list page: the account's matching messages, newest first. */
  #listMessages(accountSid: string, req: RecordedTwilioRequest): TwilioMessagePage {
    const q = req.query;
    const pageSize = Math.min(Math.max(Number(q.PageSize ?? 50) || 50, 1), 1000);
    const page = Math.max(Number(q.Page ?? 0) || 0, 0);
    const matching = this.messages
      .filter((m) => m.account_sid === accountSid)
      .filter((m) => q.To === undefined || m.to === q.To)
      .filter((m) => q.From === undefined || m.from === q.From)
      .filter((m) => sentOnDay(m, q.DateSent, 'on') && sentOnDay(m, q['DateSent>'], 'on or after') && sentOnDay(m, q['DateSent<'], 'on or before'))
      .reverse();
    const base = `/2010-04-01/Accounts/${accountSid}/Messages.json`;
    const uriOf = (n: number) => {
      const params = new URLSearchParams(Object.entries(q).filter(([name]) => name !== 'Page' && name !== 'PageToken'));
      params.set('PageSize', String(pageSize));
      params.set('Page', String(n));
      return `${base}?${params.toString()}`;
    };
    const start = page * pageSize;
    const messages = matching.slice(start, start + pageSize);
    const more = start + pageSize < matching.length;
    return {
      messages,
      page,
      page_size: pageSize,
      start,
      end: start + Math.max(messages.length - 1, 0),
      uri: uriOf(page),
      first_page_uri: uriOf(0),
      next_page_uri: more ? uriOf(page + 1) : null,
      previous_page_uri: page > 0 ? uriOf(page - 1) : null,
    };
  }
}

/** A page of Twilio's Messages list, as on the wire. */
export interface TwilioMessagePage {
  messages: FakeTwilioMessage[];
  page: number;
  page_size: number;
  start: number;
  end: number;
  uri: string;
  first_page_uri: string;
  next_page_uri: string | null;
  previous_page_uri: string | null;
}

/**
 * Twilio's DateSent filters, as documented: the value is read as a GMT date,
 * so `DateSent>` means "sent on or after midnight of that day" whatever time
 * of day the SDK sends with it (it sends `YYYY-MM-DDTHH:mm:ssZ`). A message
 * not yet sent has no date_sent and matches no DateSent filter.
 */
function sentOnDay(message: FakeTwilioMessage, value: string | undefined, how: 'on' | 'on or after' | 'on or before'): boolean {
  if (value === undefined) return true;
  if (message.date_sent === null) return false;
  const day = new Date(value);
  if (Number.isNaN(day.getTime())) throw new TwilioHttpError({ code: 20001, message: `Invalid date value: ${value}` });
  const midnight = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate());
  const sent = Date.parse(message.date_sent);
  const DAY = 24 * 3600_000;
  if (how === 'on or after') return sent >= midnight;
  if (how === 'on or before') return sent < midnight + DAY;
  return sent >= midnight && sent < midnight + DAY;
}

function newMessage(m: { accountSid: string; to: string; from: string | null; service: string | null; body: string }): FakeTwilioMessage {
  const sid = `SM${randomBytes(16).toString('hex')}`;
  const now = rfc2822(new Date());
  const uri = `/2010-04-01/Accounts/${m.accountSid}/Messages/${sid}.json`;
  return {
    sid,
    account_sid: m.accountSid,
    api_version: '2010-04-01',
    to: m.to,
    // With a Messaging Service the sender is picked later, so `from` is null
    // and the status 'accepted' rather than 'queued'.
    from: m.service ? null : m.from,
    messaging_service_sid: m.service,
    body: m.body,
    status: m.service ? 'accepted' : 'queued',
    direction: 'outbound-api',
    num_segments: String(Math.max(1, Math.ceil(m.body.length / 153))),
    num_media: '0',
    error_code: null,
    error_message: null,
    price: null,
    price_unit: 'USD',
    date_created: now,
    date_updated: now,
    date_sent: null,
    uri,
    subresource_uris: { media: uri.replace(/\.json$/, '/Media.json') },
  };
}

// ---- HTTP plumbing --------------------------------------------------------------

async function record(req: IncomingMessage): Promise<RecordedTwilioRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const rawBody = Buffer.concat(chunks).toString('utf8');
  const url = new URL(req.url ?? '/', 'http://localhost');
  return {
    method: req.method ?? 'GET',
    path: url.pathname,
    headers: req.headers,
    query: Object.fromEntries(url.searchParams),
    auth: basicAuth(req.headers.authorization),
    body: parseRepeatedForm(rawBody),
    rawBody,
  };
}

/** Twilio's SDK repeats a field for lists (qs arrayFormat 'repeat'): MediaUrl=a&MediaUrl=b. */
function parseRepeatedForm(encoded: string): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(encoded)) {
    const seen = fields[name];
    fields[name] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  return fields;
}

function basicAuth(header: string | undefined): { username: string; password: string } | null {
  const match = header?.match(/^Basic (.+)$/);
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(json) });
  res.end(json);
}

/** Twilio's date format: "Mon, 05 Jan 2026 19:30:00 +0000". */
function rfc2822(date: Date): string {
  return date.toUTCString().replace('GMT', '+0000');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
