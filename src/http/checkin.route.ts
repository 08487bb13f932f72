import express, { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { CheckinOutcome, CheckinService } from '../tickets/checkin.service.js';
import { HttpError } from './errors.js';
import { DOOR_PAGE_PATH, STAFF_REALM } from './paths.js';
import { requireStaffLogin, requireStaffToken, sameOriginChanges } from './staff-auth.js';

/** POST /staff/checkin body: what the door scanned or typed, the gate's name, and the event the door is for. */
const checkinBodySchema = z.strictObject({
  code: z.string().trim().min(1).max(300),
  gate: z.string().trim().min(1).max(60).optional(),
  event: z.string().trim().min(1).max(100).optional(),
});

/** 200 admitted; 400 a value whose signature fails; 404 no such ticket; 409 refused, with the reason. */
function statusOf(outcome: CheckinOutcome): number {
  if (outcome.admitted) return 200;
  if (outcome.reason === 'forged') return 400;
  if (outcome.reason === 'unknown_ticket') return 404;
  return 409;
}

/** Where the door page posts its scans: the same check-in, with the page's staff login. */
export const DOOR_CHECKIN_PATH = `${DOOR_PAGE_PATH}/checkin`;

/**
 * `POST /staff/checkin`, behind the staff token: one scan at a door, admitted
 * once. The door page posts the same body to `/staff/door/checkin`, behind
 * the staff login its page has (a browser sends the remembered Basic
 * credentials with the page's own requests), taken only from the page itself.
 * Mount before the staff API router, whose bearer-only check covers /staff.
 */
export function checkinRoutes(deps: { staffApiToken: string | undefined; checkins: CheckinService }): Router {
  const handle: RequestHandler = async (req, res) => {
    const body = checkinBodySchema.safeParse(req.body);
    if (!body.success) throw new HttpError(400, `Send { "code": "<scanned or typed ticket code>", "gate": "<optional name>" } (${body.error.issues[0]?.path.join('.') || 'body'}).`, 'bad_request');
    const outcome = await deps.checkins.checkin({ code: body.data.code, gate: body.data.gate, eventId: body.data.event });
    res.status(statusOf(outcome)).json(outcome);
  };
  const json = express.json({ limit: '2kb' });
  const router = Router();
  router.post('/staff/checkin', requireStaffToken(deps.staffApiToken), json, handle);
  router.post(DOOR_CHECKIN_PATH, requireStaffLogin(deps.staffApiToken, STAFF_REALM), sameOriginChanges, json, handle);
  return router;
}
