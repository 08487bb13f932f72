// The public paths of the box office, as DESIGN.md's contract names them:
// the routes answer them, and the security headers, metrics and limits that
// treat some of them apart find them here.

export const SMS_INBOUND_PATH = '/sms/inbound';
export const SMS_STATUS_PATH = '/sms/status';
export const CHAT_PATH = '/api/messages';
export const STRIPE_WEBHOOK_PATH = '/webhooks/stripe';
export const DEMO_CHECKOUT_PATH = '/demo/checkout/:sessionId';
export const METRICS_PATH = '/metrics';
export const STAFF_DASHBOARD_PATH = '/staff/queues';
/** The demo SMS phone, with no Twilio account (never in production): its page, and its API under it. */
export const DEMO_PHONE_PATH = '/demo/phone';
/** The demo chat page, Web Chat on a local Direct Line, with an anonymous bot (never in production). */
export const DEMO_CHAT_PATH = '/demo/chat';
/** A ticket holder's page, with a QR code per ticket: `/t/<secret>`, no order id in it (tickets/ticket-page.store.ts). */
export const TICKET_PAGE_PATH = '/t/:secret';
/** The name a browser's staff login prompt shows, one for every staff page, so one sign-in serves them all. */
export const STAFF_REALM = 'Box office staff';
/** The staff console: signed in once with the staff token, a session cookie after (http/staff-sessions.ts). */
export const STAFF_CONSOLE_PATH = '/staff';
/** The console's own files and JSON, behind its session. */
export const STAFF_CONSOLE_FILES_PATH = '/staff/console';
/** The door page for staff: scan or type a ticket, ADMIT or NO. */
export const DOOR_PAGE_PATH = '/staff/door';
