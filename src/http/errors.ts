import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { withoutLinkSecret } from '../checkout/pay-link.js';

/** An error whose message is safe to show the caller, with its HTTP status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code = 'error',
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'HttpError';
  }
}

export const notFound: RequestHandler = (_req, res) => {
  res.status(404).json({ error: 'not_found', message: 'No such route.' });
};

/**
 * Every error becomes a JSON body with a code and a plain message; stack
 * traces and internal messages stay in the log.
 */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const status = statusOf(err);
    if (status >= 500) log.error({ component: 'http', err, path: withoutLinkSecret(req.path) }, 'request failed');
    if (res.headersSent) return;
    res.status(status).json(bodyOf(err, status));
  };
}

function statusOf(err: unknown): number {
  if (err instanceof HttpError) return err.status;
  const status = (err as { status?: unknown; statusCode?: unknown }).status ?? (err as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}

function bodyOf(err: unknown, status: number): { error: string; message: string } {
  if (err instanceof HttpError) return { error: err.code, message: err.message };
  const type = (err as { type?: unknown }).type;
  if (type === 'entity.too.large') return { error: 'body_too_large', message: 'The request body is too large.' };
  if (type === 'entity.parse.failed') return { error: 'malformed_body', message: 'The request body is not valid JSON.' };
  if (status < 500) return { error: 'bad_request', message: 'The request could not be read.' };
  return { error: 'internal', message: 'Something went wrong on our side; please try again.' };
}
