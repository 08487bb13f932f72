import { AsyncLocalStorage } from 'node:async_hooks';

/** Ids that tie a log line to the HTTP request and the bot turn it was written in. */
export interface LogContext {
  requestId?: string;
  turnId?: string;
}

// One store for the process, as AsyncLocalStorage is meant to be used: it
// carries ids along the async calls of one request, so the services that log
// (purchase, refunds, the SMS consent rules…) need no logger per request and
// no change to say which request or turn a line belongs to.
const storage = new AsyncLocalStorage<LogContext>();

/** The ids of the request or turn running now; empty outside one. The logger's mixin adds them to every line. */
export function currentLogContext(): LogContext {
  return storage.getStore() ?? {};
}

/** Runs `fn` with `fields` added to the current context (a turn inside a request keeps the request's id). */
export function withLogContext<T>(fields: LogContext, fn: () => T): T {
  return storage.run({ ...storage.getStore(), ...fields }, fn);
}
