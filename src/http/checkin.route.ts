import express, { Router } from 'express';
import { z } from 'zod';
import type { CheckinOutcome, CheckinService } from '../tickets/checkin.service.js';
import { HttpError } from './errors.js';
import { requireStaffToken } from './staff-auth.js';

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

/** `POST /staff/checkin`, behind the staff token: one scan at a door, admitted once. */
export function checkinRoutes(deps: { staffApiToken: string | undefined; checkins: CheckinService }): Router {
  const router = Router();
  router.post('/staff/checkin', requireStaffToken(deps.staffApiToken), express.json({ limit: '2kb' }), async (req, res) => {
    const body = checkinBodySchema.safeParse(req.body);
    if (!body.success) throw new HttpError(400, `Send { "code": "<scanned or typed ticket code>", "gate": "<optional name>" } (${body.error.issues[0]?.path.join('.') || 'body'}).`, 'bad_request');
    const outcome = await deps.checkins.checkin({ code: body.data.code, gate: body.data.gate, eventId: body.data.event });
    res.status(statusOf(outcome)).json(outcome);
  });
  return router;
}
