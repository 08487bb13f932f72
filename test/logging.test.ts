// The log as an operator reads it: JSON lines (or readable ones on a
// terminal), each request and bot turn with an id every line written during
// it carries, the caller's X-Request-Id honoured when sane and echoed, and no
// full phone number or secret anywhere.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../src/config.js';
import { createLogger, logFormatFor } from '../src/logger.js';
import { withLogContext } from '../src/log-context.js';
import { startBoxOffice, type BoxOffice } from './support/box-office.harness.js';
import { buyAndPay } from './support/purchases.js';
import { newPhone, payLinkIn, textBoxOffice } from './support/sms.client.js';

type LogLine = { level: number; msg: string; [field: string]: unknown };

/** A destination that keeps what the logger writes. */
function logSink() {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return {
    stream,
    text: () => text,
    lines: (): LogLine[] => text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as LogLine),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('the log format', () => {
  it.each([
    [{}, true, 'pretty'],
    [{}, false, 'json'],
    [{ LOG_FORMAT: 'json' }, true, 'json'],
    [{ LOG_FORMAT: 'pretty' }, false, 'pretty'],
    [{ LOG_FORMAT: '' }, false, 'json'],
  ] as const)('LOG_FORMAT %j with a terminal: %s gives %s', (env, tty, format) => {
    expect(logFormatFor(env, tty)).toBe(format);
  });

  it('refuses another LOG_FORMAT with a line naming it', () => {
    expect(() => logFormatFor({ LOG_FORMAT: 'xml' }, false)).toThrow(ConfigError);
    expect(() => logFormatFor({ LOG_FORMAT: 'xml' }, false)).toThrow(/^Configuration error: LOG_FORMAT must be one of json, pretty$/);
  });

  it('pretty: a readable line with the message and the fields, no JSON, no colour codes off a terminal', () => {
    const sink = logSink();
    const log = createLogger('info', { format: 'pretty', destination: sink.stream });

    withLogContext({ requestId: 'req-1' }, () => log.info({ component: 'test', orderId: 'BX-7K2Q' }, 'order looked at'));

    const text = sink.text();
    expect(text).toContain('order looked at');
    expect(text).toContain('BX-7K2Q');
    expect(text).toContain('req-1');
    expect(text.trimStart().startsWith('{')).toBe(false);
    expect(text).not.toContain('\u001b[');
    // One line, not a line per field.
    expect(text.trim().split('\n')).toHaveLength(1);
  });

  it('json: one object a line, with the ids of the context it was written in', () => {
    const sink = logSink();
    const log = createLogger('info', { format: 'json', destination: sink.stream });

    withLogContext({ requestId: 'req-2' }, () => withLogContext({ turnId: 'turn-2' }, () => log.info({ component: 'test' }, 'inside')));
    log.info({ component: 'test' }, 'outside');

    const [inside, outside] = sink.lines();
    expect(inside).toMatchObject({ msg: 'inside', component: 'test', requestId: 'req-2', turnId: 'turn-2' });
    expect(outside).not.toHaveProperty('requestId');
    expect(outside).not.toHaveProperty('turnId');
  });

  it('masks a field holding a whole phone number, and redacts secrets, even when a caller forgot', () => {
    const sink = logSink();
    const log = createLogger('info', { destination: sink.stream });

    log.info({ component: 'test', to: '+15551234567', token: 'sk_live_secret', headers: { authorization: 'Bearer abc' } }, 'careless');

    const [line] = sink.lines();
    expect(line).toMatchObject({ to: '+1555•••4567', token: '[redacted]', headers: { authorization: '[redacted]' } });
    expect(sink.text()).not.toContain('15551234567');
    expect(sink.text()).not.toContain('sk_live_secret');
  });
});

describe('a running box office', () => {
  let office: BoxOffice;
  const sink = logSink();

  beforeAll(async () => {
    office = await startBoxOffice({ log: createLogger('info', { format: 'json', destination: sink.stream }) });
  });

  afterAll(async () => {
    await office?.stop();
  });

  const linesWith = (field: string, value: string) => sink.lines().filter((line) => line[field] === value);

  it('answers with a new request id and logs the request under it', async () => {
    const response = await fetch(`${office.url}/staff/events/lakers-warriors/inventory`);
    const requestId = response.headers.get('x-request-id')!;

    expect(requestId).toMatch(UUID);
    expect(linesWith('requestId', requestId)).toContainEqual(
      expect.objectContaining({ msg: 'request completed', component: 'http', method: 'GET', path: '/staff/events/lakers-warriors/inventory', status: 401 }),
    );
  });

  it('keeps a sane X-Request-Id from the caller, in the answer and the log', async () => {
    const response = await fetch(`${office.url}/no/such/route`, { headers: { 'x-request-id': 'lb-7f3a:42_abc.Z' } });

    expect(response.status).toBe(404);
    expect(response.headers.get('x-request-id')).toBe('lb-7f3a:42_abc.Z');
    expect(linesWith('requestId', 'lb-7f3a:42_abc.Z')).toContainEqual(expect.objectContaining({ msg: 'request completed', status: 404 }));
  });

  it.each([
    ['spaces and quotes', 'id "with" spaces'],
    ['too long', 'x'.repeat(129)],
    ['log-line markup', '{"level":60}'],
  ])('replaces an X-Request-Id with %s by a new one, and never logs it', async (_what, offered) => {
    const response = await fetch(`${office.url}/no/such/route`, { headers: { 'x-request-id': offered } });
    const requestId = response.headers.get('x-request-id')!;

    expect(requestId).toMatch(UUID);
    expect(linesWith('requestId', requestId)).toHaveLength(1);
    expect(sink.text()).not.toContain(offered);
  });

  it('gives a bot turn an id that every line written during it carries, with the request id', async () => {
    // Stripe refuses the Checkout Session, so the purchase service logs an error inside the turn.
    office.stripe!.failNext(400, { type: 'invalid_request_error', message: 'Invalid request' }, { method: 'POST', path: '/v1/checkout/sessions' });
    const reply = await textBoxOffice(office, newPhone(), '2 tickets lakers section 101');
    expect(payLinkIn(reply.messages.join('\n'))).toBeUndefined();

    const turn = sink.lines().filter((line) => line.msg === 'turn handled').at(-1)!;
    expect(turn).toMatchObject({ component: 'bot', channel: 'sms', activity: 'message', outcome: 'ok' });
    expect(turn.turnId).toMatch(UUID);
    expect(turn.requestId).toMatch(UUID);
    const failed = sink.lines().find((line) => line.msg.startsWith('checkout session could not be created'));
    expect(failed).toMatchObject({ level: 50, turnId: turn.turnId, requestId: turn.requestId });
    expect(failed!.orderId).toMatch(/^BX-/);
    expect(linesWith('requestId', turn.requestId as string).map((line) => line.msg)).toContain('request completed');
  });

  it('never writes a customer\'s full number, only its masked form', async () => {
    const phone = newPhone();

    await buyAndPay(office, phone);
    expect((await textBoxOffice(office, phone, 'STOP')).status).toBe(200);

    const masked = `${phone.slice(0, 5)}•••${phone.slice(-4)}`;
    expect(sink.lines()).toContainEqual(expect.objectContaining({ msg: 'number opted out (STOP)', from: masked }));
    expect(sink.text()).not.toContain(phone);
    expect(sink.text()).not.toContain(phone.slice(1));
  });
});
