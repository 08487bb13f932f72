import type { Request, RequestHandler } from 'express';
import twilio from 'twilio';
import { refuseUnsigned, type IpShield } from '../../http/ip-shield.js';

/**
 * Checks X-Twilio-Signature against PUBLIC_BASE_URL + the request's path and
 * query: Twilio signs the URL it called, which behind a proxy or tunnel is
 * not the one express sees. https://www.twilio.com/docs/usage/webhooks/webhooks-security
 * Without an auth token nothing can be checked, so every request is refused.
 * An address whose requests fail too often gets 429 instead (`badSignatures`).
 */
export function requireTwilioSignature(authToken: string | undefined, publicBaseUrl: string, badSignatures?: IpShield): RequestHandler {
  return (req, res, next) => {
    if (!authToken) {
      res.status(503).type('text/plain').send('SMS is not configured: set TWILIO_AUTH_TOKEN.');
      return;
    }
    const signature = req.get('x-twilio-signature');
    if (!signature || !twilio.validateRequest(authToken, signature, signedUrl(req, publicBaseUrl), formParams(req))) {
      refuseUnsigned(badSignatures, req, res, () => res.status(403).type('text/plain').send('Invalid Twilio signature.'));
      return;
    }
    next();
  };
}

function signedUrl(req: Request, publicBaseUrl: string): string {
  return `${publicBaseUrl}${req.originalUrl}`;
}

function formParams(req: Request): Record<string, string> {
  return typeof req.body === 'object' && req.body !== null ? (req.body as Record<string, string>) : {};
}
