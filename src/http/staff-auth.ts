import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';

/**
 * Bearer-token check for /staff. Without a configured token every request is
 * refused: an unset token must never mean "open". Tokens are compared as
 * SHA-256 digests in constant time, so neither content nor length leaks.
 */
export function requireStaffToken(token: string | undefined): RequestHandler {
  const expected = token ? digest(token) : undefined;
  return (req, res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (expected && match && timingSafeEqual(digest(match[1]!.trim()), expected)) return next();
    res.status(401).set('WWW-Authenticate', 'Bearer').json({ error: 'unauthorized' });
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
