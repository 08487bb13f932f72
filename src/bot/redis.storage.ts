// Bot state (dialog stacks, conversation and user properties) in Redis, so a
// conversation survives a restart and any web process can take its next turn.
import { randomUUID } from 'node:crypto';
import type { Storage, StoreItems } from 'botbuilder';
import type { RedisClient } from '../redis/redis.client.js';
import { LuaScript } from '../redis/lua-script.js';

export interface RedisStorageOptions {
  /** The connection to use; the caller owns it (and quits it). */
  redis: RedisClient;
  /**
   * Prepended to every storage key, e.g. `bot:state:` + `sms/conversations/+1555…/`.
   * @default 'bot:state:'
   */
  prefix?: string;
  /**
   * Seconds an item lives after its last write, so quiet conversations
   * expire instead of piling up. Every write starts the clock again.
   * @default 86400 (24 hours)
   */
  ttlSeconds?: number;
}

const DEFAULT_PREFIX = 'bot:state:';
const DEFAULT_TTL_SECONDS = 24 * 60 * 60;

/** A write lost an optimistic-concurrency race: someone wrote the item since it was read. */
export class ETagConflictError extends Error {
  constructor(readonly keys: string[]) {
    // Same wording as botbuilder's MemoryStorage, which callers may match on.
    super(`Storage: error writing ${keys.map((k) => `"${k}"`).join(', ')} due to eTag conflict.`);
    this.name = 'ETagConflictError';
  }
}

/**
 * botbuilder `Storage` over Redis with botbuilder's eTag contract: a write
 * whose item carries the eTag it was read with fails if the item changed
 * since; an eTag of '*' or none overwrites; every write stores a new eTag
 * in the item. Each key is one hash written by one Lua script, so keys are
 * independent (as in botbuilder's own stores) and Cluster-safe.
 */
export class RedisStorage implements Storage {
  readonly #redis: RedisClient;
  readonly #prefix: string;
  readonly #ttlMs: number;
  readonly #write = LuaScript.load(new URL('./lua/storage-write.lua', import.meta.url));

  constructor(options: RedisStorageOptions) {
    const ttlSeconds = options.ttlSeconds ?? DEFAULT_TTL_SECONDS;
    if (!(ttlSeconds > 0)) throw new RangeError(`RedisStorage ttlSeconds must be positive, got ${ttlSeconds}`);
    this.#redis = options.redis;
    this.#prefix = options.prefix ?? DEFAULT_PREFIX;
    this.#ttlMs = Math.round(ttlSeconds * 1000);
  }

  async read(keys: string[]): Promise<StoreItems> {
    if (!keys) throw new ReferenceError('Keys are required when reading.');
    const docs = await Promise.all(keys.map((key) => this.#redis.hget(this.#key(key), 'doc')));
    const items: StoreItems = {};
    keys.forEach((key, i) => {
      const doc = docs[i];
      if (doc) items[key] = JSON.parse(doc);
    });
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    if (!changes) throw new ReferenceError('Changes are required when writing.');
    const results = await Promise.all(Object.entries(changes).map(([key, item]) => this.#writeOne(key, item)));
    const conflicts = Object.keys(changes).filter((_, i) => !results[i]);
    if (conflicts.length > 0) throw new ETagConflictError(conflicts);
  }

  async delete(keys: string[]): Promise<void> {
    if (!keys) throw new ReferenceError('Keys are required when deleting.');
    // One UNLINK per key rather than one for all: keys may sit in different Cluster slots.
    await Promise.all(keys.map((key) => this.#redis.unlink(this.#key(key))));
  }

  /** True when written, false on an eTag conflict. */
  async #writeOne(key: string, item: unknown): Promise<boolean> {
    if (typeof item !== 'object' || item === null) {
      throw new TypeError(`Storage: the item for "${key}" must be an object, got ${item === null ? 'null' : typeof item}`);
    }
    const { eTag } = item as { eTag?: unknown };
    const expected = typeof eTag === 'string' && eTag !== '*' ? eTag : '';
    // Only has to differ from every earlier eTag of the item; randomUUID() draws from a pre-filled pool, cheaper per turn than randomBytes().
    const newETag = randomUUID();
    const doc = JSON.stringify({ ...item, eTag: newETag });
    const written = await this.#write.run(this.#redis, [this.#key(key)], [expected, newETag, doc, this.#ttlMs]);
    return written === 1;
  }

  #key(key: string): string {
    return this.#prefix + key;
  }
}
