import { randomBytes } from 'node:crypto';
import express, { Router } from 'express';
import type { Logger } from 'pino';
import twilio from 'twilio';
import { z } from 'zod';
import { maskPhone } from '../../logger.js';
import { DEMO_PHONE_PATH, SMS_INBOUND_PATH } from '../../http/paths.js';
import { DEMO_BOX_OFFICE_NUMBER, type DemoPhoneInbox, type DemoPhoneMessage } from './demo-phone.inbox.js';
import { DEMO_PHONE_CSS, DEMO_PHONE_JS, demoPhoneHtml } from './demo-phone.page.js';

/** The account the demo phone's texts claim, as Twilio's carry the real one's. */
export const DEMO_ACCOUNT_SID = `AC${'0'.repeat(32)}`;
/** Twilio joins a long text up to this many characters. */
const MAX_TEXT_CHARS = 1_600;

const PHONE = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be a number in international form, such as +15551234567');
const sendSchema = z.object({ from: PHONE, body: z.string().trim().min(1, 'is empty').max(MAX_TEXT_CHARS, `is over ${MAX_TEXT_CHARS} characters`) });
const readSchema = z.object({ number: PHONE, after: z.coerce.number().int().min(0).default(0) });

export interface DemoPhoneDeps {
  inbox: DemoPhoneInbox;
  /** The auth token the SMS route checks signatures with: made up for this process when Twilio is not configured. */
  authToken: string;
  /** What Twilio would sign: PUBLIC_BASE_URL + /sms/inbound. */
  publicBaseUrl: string;
  /** Our own SMS route, reached over loopback: the demo goes through the real path. */
  inboundUrl: () => string;
  log: Logger;
}

/**
 * A phone for trying SMS with no Twilio account: a page at /demo/phone (and
 * `npm run sms`). A text sent from it is posted to /sms/inbound exactly as
 * Twilio posts one (form fields, X-Twilio-Signature), so the signature check,
 * the consent words, the limits and the bot all run; the TwiML that answers
 * it, and every later text the worker sends (DemoPhoneSmsSender), land in
 * the phone's messages.
 */
export function demoPhoneRoutes(deps: DemoPhoneDeps): Router {
  const router = Router();

  router.get(DEMO_PHONE_PATH, (_req, res) => {
    res.set('Cache-Control', 'no-store').type('html').send(demoPhoneHtml(DEMO_BOX_OFFICE_NUMBER));
  });
  router.get(`${DEMO_PHONE_PATH}/phone.js`, (_req, res) => {
    res.type('text/javascript').send(DEMO_PHONE_JS);
  });
  router.get(`${DEMO_PHONE_PATH}/phone.css`, (_req, res) => {
    res.type('text/css').send(DEMO_PHONE_CSS);
  });

  router.get(`${DEMO_PHONE_PATH}/messages`, async (req, res) => {
    const parsed = readSchema.safeParse(req.query);
    if (!parsed.success) {
      res.status(400).json({ error: problemOf(parsed.error) });
      return;
    }
    res.set('Cache-Control', 'no-store').json({ messages: await deps.inbox.after(parsed.data.number, parsed.data.after) });
  });

  router.post(`${DEMO_PHONE_PATH}/messages`, express.json({ limit: '16kb' }), async (req, res) => {
    const parsed = sendSchema.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: problemOf(parsed.error) });
      return;
    }
    const { from, body } = parsed.data;
    const sent = await deps.inbox.add(from, 'you', body);
    const answer = await postAsTwilio(deps, from, body);
    if (!answer.ok) {
      deps.log.warn({ component: 'demo-phone', from: maskPhone(from), status: answer.status }, `the SMS route refused the demo phone's text: ${answer.text}`);
      res.status(502).json({ messages: [sent], error: `The box office answered ${answer.status}: ${answer.text}` });
      return;
    }
    const replies: DemoPhoneMessage[] = [];
    for (const reply of messagesOf(answer.text)) replies.push(await deps.inbox.add(from, 'box office', reply));
    res.json({ messages: [sent, ...replies] });
  });

  return router;
}

/** Posts the text to our own /sms/inbound as Twilio would: its fields, signed with the auth token on the public URL. */
async function postAsTwilio(deps: DemoPhoneDeps, from: string, body: string): Promise<{ ok: boolean; status: number; text: string }> {
  const params: Record<string, string> = {
    AccountSid: DEMO_ACCOUNT_SID,
    MessageSid: `SM${randomBytes(16).toString('hex')}`,
    From: from,
    To: DEMO_BOX_OFFICE_NUMBER,
    Body: body,
    NumMedia: '0',
  };
  const signature = twilio.getExpectedTwilioSignature(deps.authToken, `${deps.publicBaseUrl}${SMS_INBOUND_PATH}`, params);
  const response = await fetch(deps.inboundUrl(), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signature },
    body: new URLSearchParams(params),
  });
  return { ok: response.ok, status: response.status, text: await response.text() };
}

const XML_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The texts of a TwiML answer's <Message> elements, as the phone would show them. */
export function messagesOf(twiml: string): string[] {
  return [...twiml.matchAll(/<Message(?:\s[^>]*)?>([\s\S]*?)<\/Message>/g)].map(([, text]) =>
    text!.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_entity, name: string) =>
      name.startsWith('#x') || name.startsWith('#X') ? String.fromCodePoint(parseInt(name.slice(2), 16)) : name.startsWith('#') ? String.fromCodePoint(Number(name.slice(1))) : XML_ENTITIES[name.toLowerCase()]!,
    ),
  );
}

function problemOf(error: z.ZodError): string {
  const issue = error.issues[0]!;
  return `${String(issue.path[0] ?? 'request')} ${issue.message}`;
}
