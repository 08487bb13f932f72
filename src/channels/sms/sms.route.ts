import express, { Router } from 'express';
import { z } from 'zod';
import type { Logger } from 'pino';
import type { BoxOfficeBot } from '../../bot/box-office.bot.js';
import type { IpShield } from '../../http/ip-shield.js';
import { maskPhone } from '../../logger.js';
import { overLimitReplies, type SenderLimit } from '../sender-limit.js';
import type { DeliveryStatusService } from './delivery-status.service.js';
import { SmsAdapter } from './sms.adapter.js';
import type { SmsConsent } from './sms-consent.js';
import { TwimlReplies } from './twiml.replies.js';
import { requireTwilioSignature } from './twilio-signature.js';
import { SMS_INBOUND_PATH, SMS_STATUS_PATH } from '../../http/paths.js';


const SORRY = 'Sorry, something went wrong on our side. Please try again in a minute.';

const inboundSchema = z.object({
  From: z.string().min(1).max(64),
  To: z.string().max(64).default(''),
  Body: z.string().default(''),
  MessageSid: z.string().max(64).default(''),
  NumMedia: z.coerce.number().int().min(0).max(10).catch(0),
  OptOutType: z.string().max(32).optional(),
});

const statusSchema = z.object({
  MessageSid: z.string().min(1).max(64),
  MessageStatus: z.string().min(1).max(32),
  ErrorCode: z.string().max(16).optional(),
});

export interface SmsRouteDeps {
  bot: BoxOfficeBot;
  adapter: SmsAdapter;
  /** STOP, START and HELP, answered before the bot sees the text, whatever the sender's rate. */
  consent: SmsConsent;
  /** Messages per sender: over it, no bot turn. */
  senders: SenderLimit;
  /** Counts requests that fail the signature check, per IP. */
  badSignatures?: IpShield;
  /** Delivery reports of the messages we sent. */
  statuses: DeliveryStatusService;
  authToken: string | undefined;
  publicBaseUrl: string;
  log: Logger;
}

/** Twilio's webhooks: inbound texts answered with TwiML, and delivery status callbacks. */
export function smsRoutes(deps: SmsRouteDeps): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '64kb' });
  const signed = requireTwilioSignature(deps.authToken, deps.publicBaseUrl, deps.badSignatures);
  const twiml = new TwimlReplies();

  router.post(SMS_INBOUND_PATH, form, signed, async (req, res) => {
    const parsed = inboundSchema.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).type('text/plain').send('Malformed Twilio request: From is required.');
      return;
    }
    const sms = parsed.data;
    let texts: string[];
    try {
      // Consent words first: they are about the number, not the conversation
      // (DESIGN rule 9), and opting out must work however fast someone texts.
      // Then the sender's rate, so a flood never reaches the bot.
      texts =
        (await deps.consent.answer({ from: sms.From, body: sms.Body, optOutType: sms.OptOutType })) ??
        overLimitReplies(await deps.senders.count('sms', sms.From)) ??
        (await deps.adapter.processInbound(
          { from: sms.From, to: sms.To, body: sms.Body, messageSid: sms.MessageSid, mediaCount: sms.NumMedia },
          (context) => deps.bot.run(context),
        ));
    } catch (err) {
      deps.log.error({ component: 'sms', from: maskPhone(sms.From), messageSid: sms.MessageSid, err }, 'inbound SMS turn failed');
      texts = [SORRY];
    }
    res.type('text/xml').send(twiml.for(texts));
  });

  router.post(SMS_STATUS_PATH, form, signed, async (req, res) => {
    const parsed = statusSchema.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).type('text/plain').send('Malformed status callback.');
      return;
    }
    const { MessageSid, MessageStatus, ErrorCode } = parsed.data;
    // A 5xx on failure: Twilio can retry a callback, and recording one twice changes nothing.
    const outcome = await deps.statuses.record({ messageId: MessageSid, status: MessageStatus, errorCode: ErrorCode || undefined });
    deps.log.info({ component: 'sms', messageSid: MessageSid, status: MessageStatus, errorCode: ErrorCode, outcome }, 'SMS delivery status');
    res.status(204).end();
  });

  return router;
}

