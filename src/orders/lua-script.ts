import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

/**
 * A Lua script run by its SHA, sent in full only when Redis does not know it
 * yet (after a restart or on a fresh node). Unlike `redis.defineCommand` this
 * leaves the shared client untouched.
 */
export class LuaScript {
  private readonly sha: string;

  private constructor(private readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  /** Loads `./lua/<name>` relative to this module (copied into dist by scripts/copy-assets.mjs). */
  static load(name: string): LuaScript {
    return new LuaScript(readFileSync(new URL(`./lua/${name}`, import.meta.url), 'utf8'));
  }

  async run(redis: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}
