// One turn at a time per conversation. Bot state is read at the start of a
// turn and written at the end; two turns of one conversation running at once
// (a customer double-texting, Twilio retrying a slow webhook, two web
// processes) would read the same state and the second write would fail its
// eTag check or, with '*', silently undo the first. So turns queue up.
import { randomUUID } from 'node:crypto';
import type { RedisClient } from '../redis/redis.client.js';
import { LuaScript } from '../redis/lua-script.js';

/** The part of a pino logger this uses. */
export interface TurnLockLogger {
  warn(details: object, message: string): void;
}

export interface TurnLockOptions {
  /** The connection to use; the caller owns it (and quits it). */
  redis: RedisClient;
  /** Prepended to the conversation key to name its lock. @default 'bot:turn-lock:' */
  prefix?: string;
  /**
   * How long the Redis lock outlives a holder that died mid-turn. A live
   * holder extends it every third of this while its turn runs.
   * @default 30000
   */
  lockTtlMs?: number;
  /**
   * Longest a turn waits, behind earlier turns in this process and for the
   * Redis lock together, before it fails with TurnLockTimeoutError. Kept
   * under Twilio's 15 s webhook limit so an SMS turn answers in time.
   * @default 10000
   */
  maxWaitMs?: number;
  /** First pause between attempts to take a busy Redis lock; doubles up to 250 ms. @default 10 */
  retryDelayMs?: number;
  /** Told when a lock could not be extended or released. @default silent */
  log?: TurnLockLogger;
}

const MAX_RETRY_DELAY_MS = 250;

/** A turn waited longer than `maxWaitMs` for the conversation's earlier turn. */
export class TurnLockTimeoutError extends Error {
  constructor(
    readonly conversationKey: string,
    readonly waitedMs: number,
  ) {
    // The key stays out of the message: for SMS it holds a phone number.
    super(`Gave up after ${waitedMs} ms waiting for the previous turn of this conversation to finish; try the message again`);
    this.name = 'TurnLockTimeoutError';
  }
}

/**
 * Serializes turns per conversation: in this process by chaining each turn
 * behind the previous one (so they keep arrival order), and across processes
 * with a Redis lock (SET NX PX + compare-and-delete). Different conversations
 * run concurrently. Across processes there is mutual exclusion but no
 * ordering guarantee: whoever retries first after a release wins.
 */
export class TurnLock {
  readonly #redis: RedisClient;
  readonly #prefix: string;
  readonly #lockTtlMs: number;
  readonly #maxWaitMs: number;
  readonly #retryDelayMs: number;
  readonly #log: TurnLockLogger | undefined;
  /** Per conversation, a promise that settles when its last queued turn is done. */
  readonly #tails = new Map<string, Promise<void>>();
  readonly #release = LuaScript.load(new URL('./lua/turn-lock-release.lua', import.meta.url));
  readonly #extend = LuaScript.load(new URL('./lua/turn-lock-extend.lua', import.meta.url));

  constructor(options: TurnLockOptions) {
    this.#redis = options.redis;
    this.#prefix = options.prefix ?? 'bot:turn-lock:';
    this.#lockTtlMs = options.lockTtlMs ?? 30_000;
    this.#maxWaitMs = options.maxWaitMs ?? 10_000;
    this.#retryDelayMs = options.retryDelayMs ?? 10;
    this.#log = options.log;
  }

  /** Conversations with a turn running or queued in this process. */
  get busyConversations(): number {
    return this.#tails.size;
  }

  /** Runs `fn` once every earlier turn of `conversationKey` has finished, here or in another process. */
  async run<T>(conversationKey: string, fn: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.#maxWaitMs;
    const previous = this.#tails.get(conversationKey) ?? Promise.resolve();
    let finished!: () => void;
    const mine = new Promise<void>((resolve) => (finished = resolve));
    // The next turn waits for the previous one AND this one, so this turn
    // giving up early (timeout) never lets the next overtake the previous.
    const tail = previous.then(() => mine);
    this.#tails.set(conversationKey, tail);
    try {
      await beforeDeadline(previous, deadline, () => new TurnLockTimeoutError(conversationKey, this.#maxWaitMs));
      return await this.#underRedisLock(conversationKey, deadline, fn);
    } finally {
      finished();
      if (this.#tails.get(conversationKey) === tail) this.#tails.delete(conversationKey);
    }
  }

  async #underRedisLock<T>(conversationKey: string, deadline: number, fn: () => Promise<T>): Promise<T> {
    const key = this.#prefix + conversationKey;
    // Unique to this holder: 122 random bits, from Node's pre-filled pool rather than a fresh randomBytes() call per turn.
    const token = randomUUID();
    await this.#acquire(key, token, deadline, conversationKey);
    const stopExtending = this.#keepExtending(key, token);
    try {
      return await fn();
    } finally {
      stopExtending();
      await this.#releaseLock(key, token);
    }
  }

  async #acquire(key: string, token: string, deadline: number, conversationKey: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      if ((await this.#redis.set(key, token, 'PX', this.#lockTtlMs, 'NX')) === 'OK') return;
      const pause = jitter(Math.min(MAX_RETRY_DELAY_MS, this.#retryDelayMs * 2 ** attempt));
      if (Date.now() + pause > deadline) throw new TurnLockTimeoutError(conversationKey, this.#maxWaitMs);
      await sleep(pause);
    }
  }

  /** Extends the lock every third of its TTL until stopped, so a long turn keeps it. */
  #keepExtending(key: string, token: string): () => void {
    const timer = setInterval(() => {
      this.#extend.run(this.#redis, [key], [token, this.#lockTtlMs]).then(
        (extended) => {
          if (extended !== 1) this.#log?.warn({ component: 'turn-lock' }, 'turn lock expired before its turn finished');
        },
        (err: unknown) => this.#log?.warn({ component: 'turn-lock', err }, 'could not extend a turn lock'),
      );
    }, Math.max(1, Math.floor(this.#lockTtlMs / 3)));
    timer.unref();
    return () => clearInterval(timer);
  }

  async #releaseLock(key: string, token: string): Promise<void> {
    try {
      await this.#release.run(this.#redis, [key], [token]);
    } catch (err) {
      // The turn's own result matters more; the lock expires on its own.
      this.#log?.warn({ component: 'turn-lock', err }, 'could not release a turn lock; it will expire');
    }
  }
}

/** Resolves when `promise` does, or rejects with `timeoutError()` at `deadline`. */
async function beforeDeadline(promise: Promise<void>, deadline: number, timeoutError: () => Error): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timeoutError()), Math.max(0, deadline - Date.now()));
  });
  try {
    await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Somewhere in [ms/2, ms], so retrying processes spread out. */
function jitter(ms: number): number {
  return ms / 2 + Math.random() * (ms / 2);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
