import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { withLogContext } from '../log-context.js';
import { withoutLinkSecret } from '../checkout/pay-link.js';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/**
 * An id a proxy or a caller may pass on: letters, digits and a few
 * punctuation marks (UUIDs, ULIDs, AWS/Heroku ids), at most 128 characters.
 * Anything else (spaces, quotes, newlines, a megabyte) is not put in our
 * logs; a fresh id is used instead.
 */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:+/=-]{1,128}$/;

/** Paths probed or scraped every few seconds: their lines go at debug, not info. */
const ROUTINE_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * First middleware of every app: gives the request an id (the caller's
 * X-Request-Id when sane, else a new UUID), answers with it in
 * X-Request-Id, runs the rest of the request in a log context carrying it,
 * and logs one line when the answer is sent. The line has the path without
 * its query string, which could carry something that is not ours to log,
 * and without a pay link's secret.
 */
export function requestContext(log: Logger): RequestHandler {
  return (req, res, next) => {
    const offered = req.get(REQUEST_ID_HEADER);
    const requestId = offered !== undefined && SANE_REQUEST_ID.test(offered) ? offered : randomUUID();
    const path = withoutLinkSecret(req.path);
    const started = performance.now();
    res.set(REQUEST_ID_HEADER, requestId);
    res.on('finish', () => {
      const level = ROUTINE_PATHS.has(path) && res.statusCode < 400 ? 'debug' : 'info';
      log[level](
        { component: 'http', requestId, method: req.method, path, status: res.statusCode, ms: Math.round(performance.now() - started) },
        'request completed',
      );
    });
    withLogContext({ requestId }, next);
  };
}
