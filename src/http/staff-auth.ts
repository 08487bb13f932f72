import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';

/**
 * Bearer-token check for /staff. Without a configured token every request is
 * refused: an unset token must never mean "open". Tokens are compared as
 * SHA-256 digests in constant time, so neither content nor length leaks.
 */
export function requireStaffToken(token: string | undefined): RequestHandler {
  return staffCheck(token, { basic: false, challenge: 'Bearer' });
}

/**
 * For pages a browser opens (the queue board): the bearer token, or HTTP
 * Basic auth whose password is the staff token (any user name). A browser
 * cannot add a bearer header to the page's own asset and API requests, but
 * after one Basic prompt it sends the credentials with each of them. Same
 * rule and same comparison as requireStaffToken.
 */
export function requireStaffLogin(token: string | undefined, realm: string): RequestHandler {
  return staffCheck(token, { basic: true, challenge: `Basic realm="${realm}", charset="UTF-8"` });
}

function staffCheck(token: string | undefined, options: { basic: boolean; challenge: string }): RequestHandler {
  const expected = token ? digest(token) : undefined;
  return (req, res, next) => {
    const offered = offeredToken(req.get('authorization') ?? '', options.basic);
    if (expected && offered !== undefined && timingSafeEqual(digest(offered), expected)) return next();
    res.status(401).set('WWW-Authenticate', options.challenge).json({ error: 'unauthorized', message: 'Send the staff token: Authorization: Bearer <STAFF_API_TOKEN>.' });
  };
}

/** The token in an Authorization header: a Bearer token, or (when allowed) the password of Basic credentials. */
function offeredToken(header: string, basic: boolean): string | undefined {
  const match = /^(Bearer|Basic)\s+(\S.*)$/i.exec(header.trim());
  if (!match) return undefined;
  const [, scheme, value] = match as unknown as [string, string, string];
  if (scheme.toLowerCase() === 'bearer') return value.trim();
  if (!basic || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return undefined;
  const credentials = Buffer.from(value, 'base64').toString('utf8');
  const colon = credentials.indexOf(':');
  return colon === -1 ? undefined : credentials.slice(colon + 1);
}

/** Whether `offered` is the staff token (false when none is configured): the same constant-time comparison as the checks above. */
export function isStaffToken(token: string | undefined, offered: string): boolean {
  return token !== undefined && token !== '' && timingSafeEqual(digest(offered), digest(token));
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

const READ_ONLY_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Browsers send remembered Basic credentials with cross-site requests too,
 * so a page elsewhere could make a staff member's browser retry, clean or
 * empty a queue, or admit a ticket at the door. The staff pages' own requests
 * are same-origin: changes from anywhere else are refused (Sec-Fetch-Site, or
 * Origin where a browser sends no Sec-Fetch-Site). Scripts (curl with a bearer token) send neither header.
 */
export const sameOriginChanges: RequestHandler = (req, res, next) => {
  if (READ_ONLY_METHODS.has(req.method)) return next();
  const site = req.get('sec-fetch-site');
  const origin = req.get('origin');
  const crossSite = site !== undefined ? site !== 'same-origin' : origin !== undefined && hostOf(origin) !== req.get('host');
  if (crossSite) {
    res.status(403).json({ error: 'cross_site', message: 'Changes are taken only from the staff pages themselves.' });
    return;
  }
  next();
};

function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}
