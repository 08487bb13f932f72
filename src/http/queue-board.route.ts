import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import { Router, type Express } from 'express';
import type { Logger } from '../logger.js';
import { notFound } from './errors.js';
import { STAFF_DASHBOARD_PATH, STAFF_REALM } from './paths.js';
import { requireStaffLogin, sameOriginChanges } from './staff-auth.js';

/** Where the board is served; security-headers.ts gives that path the policy the board needs. */
export const QUEUE_BOARD_PATH = STAFF_DASHBOARD_PATH;

export interface QueueBoardDeps {
  staffApiToken: string | undefined;
  queues: readonly Queue[];
  /** Where the board's failures are written; each line carries the request's id (log-context.ts). */
  log: Logger;
}

/**
 * Bull Board (https://github.com/felixmosh/bull-board) under /staff/queues:
 * jobs by state, failed jobs' errors, retry and clean. Behind the staff
 * token, given as a bearer token or as the password of HTTP Basic auth (the
 * browser prompts once). Mount it before the staff API router, whose bearer
 * check covers all of /staff: every path under /staff/queues ends here.
 */
export function queueBoardRoutes(deps: QueueBoardDeps): Router {
  const adapter = new ExpressAdapter();
  adapter.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    queues: deps.queues.map((queue) => new BullMQAdapter(queue)),
    serverAdapter: adapter,
    options: { uiConfig: { boardTitle: 'Box office queues' } },
  });
  adapter.setErrorHandler((error: Error & { statusCode?: number }) => boardError(error, deps.log));
  const board = adapter.getRouter() as Express;
  board.disable('x-powered-by');
  const router = Router();
  router.use(QUEUE_BOARD_PATH, requireStaffLogin(deps.staffApiToken, STAFF_REALM), sameOriginChanges, board, notFound);
  return router;
}

/**
 * What a failed board request answers, written to the log first: a 500 that
 * says "see the log" must leave something there. Bull Board's own handler
 * adds the stack when NODE_ENV=development (what docker-compose sets): our
 * errors never carry one to the client. Bull Board decodes `activeQueue` once
 * more after express has (handlers/queues.js), so a value that is no longer
 * valid %-encoding ("?activeQueue=%25") throws a URIError: the caller's
 * malformed query, a 400.
 */
function boardError(error: Error & { statusCode?: number }, log: Logger): { status: 400 | 500; body: { error: string; message: string } } {
  if (error instanceof URIError) {
    log.warn({ component: 'queue-board', err: error.message }, 'queue board refused a malformed query');
    return { status: 400, body: { error: 'malformed_query', message: 'The query string is not valid URL encoding.' } };
  }
  const status = error.statusCode ?? 500;
  if (status >= 500) log.error({ component: 'queue-board', err: error }, 'queue board request failed');
  else log.warn({ component: 'queue-board', status, err: error.message }, 'queue board refused a request');
  return {
    // Bull Board's statuses (404, 409…) pass through as it gave them.
    status: status as 500,
    body: { error: 'queue_board_error', message: status < 500 ? error.message : 'The queue board could not do that; see the log.' },
  };
}
