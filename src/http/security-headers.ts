import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import { PAGE_CSS } from './html.js';
import { DEMO_CHAT_PATH, DEMO_PHONE_PATH, DOOR_PAGE_PATH, STAFF_CONSOLE_FILES_PATH, STAFF_CONSOLE_PATH, STAFF_DASHBOARD_PATH } from './paths.js';

/**
 * Where the staff queue dashboard (Bull Board) is served: a React app whose
 * own script and style files, inline styles and Google Fonts stylesheet come
 * with it, so it gets a policy of its own.
 */

/** HSTS for a year; no includeSubDomains, since other hosts of the operator's domain are not ours to pin. */
const HSTS = 'max-age=31536000';

/** Sent with every response. */
const ALWAYS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  // A pay link names an order; it must not travel to Stripe or anyone else in a Referer.
  'Referrer-Policy': 'no-referrer',
  // For browsers that predate CSP frame-ancestors.
  'X-Frame-Options': 'DENY',
};

/**
 * Security headers on every response. Our own pages (the pay link, the demo
 * checkout) are static HTML with one inline stylesheet and one form, and no
 * script: the policy allows that stylesheet by its hash, forms that post to us,
 * and nothing else. JSON answers get the same policy, which costs nothing.
 * HSTS only when PUBLIC_BASE_URL is https: over plain http a browser ignores
 * it, and a laptop on http://localhost must not be pinned to https.
 */
export function securityHeaders(options: { publicBaseUrl: string }): RequestHandler {
  const pages = pagePolicy(new URL(options.publicBaseUrl).origin);
  const dashboard = dashboardPolicy();
  const phone = demoPhonePolicy();
  const chat = demoChatPolicy();
  const door = doorPolicy();
  const staffConsole = consolePolicy();
  const https = options.publicBaseUrl.startsWith('https://');
  return (req, res, next) => {
    res.set(ALWAYS);
    res.set('Content-Security-Policy', policyFor(req.path, { dashboard, phone, chat, door, console: staffConsole, pages }));
    if (https) res.set('Strict-Transport-Security', HSTS);
    next();
  };
}

/**
 * `publicOrigin` is in form-action because the demo checkout's form is
 * answered with a redirect to the pay link on PUBLIC_BASE_URL, and browsers
 * check form-action on the redirect too; behind a tunnel that origin is not
 * the one the page was served from.
 */
function pagePolicy(publicOrigin: string): string {
  return [
    "default-src 'none'",
    `style-src '${sha256(PAGE_CSS)}'`,
    `form-action 'self' ${publicOrigin}`,
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** What Bull Board's index.html and bundle use: its own files, inline styles, Google Fonts, its JSON API, a <base href>. */
function dashboardPolicy(): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline' https://fonts.googleapis.com",
    "font-src 'self' https://fonts.gstatic.com data:",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The demo phone: its own script and stylesheet files, and its JSON API; nothing inline, nothing from elsewhere. */
function demoPhonePolicy(): string {
  return ["default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'"].join('; ');
}

/**
 * The demo chat: Web Chat's bundle and our script, both files of this origin;
 * Web Chat writes its styles into <style> elements and draws its icons as
 * data: and blob: images, so those are allowed; it talks only to our local
 * Direct Line.
 */
function demoChatPolicy(): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function policyFor(path: string, policies: { dashboard: string; phone: string; chat: string; door: string; console: string; pages: string }): string {
  if (under(path, STAFF_DASHBOARD_PATH)) return policies.dashboard;
  if (under(path, DEMO_PHONE_PATH)) return policies.phone;
  if (under(path, DEMO_CHAT_PATH)) return policies.chat;
  if (under(path, DOOR_PAGE_PATH)) return policies.door;
  if (path === STAFF_CONSOLE_PATH || path === `${STAFF_CONSOLE_PATH}/` || under(path, STAFF_CONSOLE_FILES_PATH) || path.startsWith(`${STAFF_CONSOLE_PATH}/sign-`)) return policies.console;
  return policies.pages;
}

/** The staff console: the shared inline stylesheet (by its hash), its own stylesheet and script files, its JSON, its forms. */
function consolePolicy(): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'self' '${sha256(PAGE_CSS)}'`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * The door page: its own script, stylesheet and decoder files, its JSON
 * API, and the camera's picture, which a <video> plays from a MediaStream
 * and the decoder reads through a canvas.
 */
function doorPolicy(): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "connect-src 'self'",
    "media-src 'self' blob: mediastream:",
    "img-src 'self' data: blob:",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function under(path: string, root: string): boolean {
  return path === root || path.startsWith(`${root}/`);
}

/** A CSP hash source: the base64 SHA-256 of an inline element's exact text. */
function sha256(text: string): string {
  return `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;
}
