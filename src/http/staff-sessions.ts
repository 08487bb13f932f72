import { createHash, randomBytes } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import type { RedisClient } from '../redis/redis.client.js';
import { STAFF_CONSOLE_PATH } from './paths.js';

/** The staff console's session cookie: HttpOnly, SameSite=Strict, Secure on https, for /staff only. */
export const STAFF_SESSION_COOKIE = 'box_office_staff';
/** A signed-in console lasts a working day; signing out ends it at once. */
export const STAFF_SESSION_SECONDS = 8 * 3600;

/**
 * Signed-in staff consoles, in Redis so every web process knows them. The
 * browser holds a random 256-bit id; Redis holds only its SHA-256, so a copy
 * of the store signs no one in. Sessions end on their own after
 * STAFF_SESSION_SECONDS, or when signed out.
 */
export class StaffSessions {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  async open(): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    await this.redis.set(this.key(id), '1', 'EX', STAFF_SESSION_SECONDS);
    return id;
  }

  async isOpen(id: string | undefined): Promise<boolean> {
    return id !== undefined && /^[A-Za-z0-9_-]{43}$/.test(id) && (await this.redis.exists(this.key(id))) === 1;
  }

  async close(id: string | undefined): Promise<void> {
    if (id !== undefined) await this.redis.del(this.key(id));
  }

  private key(id: string): string {
    return `${this.prefix}staff-session:${createHash('sha256').update(id).digest('hex')}`;
  }
}

/** The session id a request's Cookie header carries, if any. */
export function sessionIdOf(cookieHeader: string | undefined): string | undefined {
  for (const part of (cookieHeader ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === STAFF_SESSION_COOKIE) return value.join('=');
  }
  return undefined;
}

/** Sets (or, with no id, clears) the session cookie. */
export function setSessionCookie(res: Response, id: string | undefined, secure: boolean): void {
  const attributes = [`Path=${STAFF_CONSOLE_PATH}`, 'HttpOnly', 'SameSite=Strict', ...(secure ? ['Secure'] : []), `Max-Age=${id ? STAFF_SESSION_SECONDS : 0}`];
  res.append('Set-Cookie', `${STAFF_SESSION_COOKIE}=${id ?? ''}; ${attributes.join('; ')}`);
}

/** The console's own requests without a signed-in session: a page is sent to the sign-in form, anything else refused (401). */
export function requireStaffSession(sessions: StaffSessions): RequestHandler {
  return (req, res, next) => {
    sessions.isOpen(sessionIdOf(req.get('cookie'))).then((open) => {
      if (open) return next();
      if (req.method === 'GET' && req.accepts(['json', 'html']) === 'html') return res.redirect(303, STAFF_CONSOLE_PATH);
      res.status(401).json({ error: 'signed_out', message: 'Sign in to the staff console first.' });
    }, next);
  };
}
