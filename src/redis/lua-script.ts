import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { RedisClient } from './redis.client.js';

/**
 * A Lua script run by its SHA, sent in full only when Redis does not know it
 * (after a restart, a failover, or on a fresh node: NOSCRIPT). Unlike ioredis
 * `defineCommand` this leaves the shared client untouched and typed.
 */
export class LuaScript {
  readonly sha: string;

  constructor(
    readonly name: string,
    readonly source: string,
  ) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  /**
   * Reads a script file, e.g. `LuaScript.load(new URL('./lua/sell.lua', import.meta.url))`
   * (scripts/copy-assets.mjs copies .lua files next to the compiled code).
   * A `prelude` (shared helper functions) goes in front: Redis scripts cannot include files.
   */
  static load(file: URL, prelude = ''): LuaScript {
    const name = file.pathname.split('/').pop()!.replace(/\.lua$/, '');
    const body = readFileSync(file, 'utf8');
    return new LuaScript(name, prelude ? `${prelude}\n${body}` : body);
  }

  async run(redis: RedisClient, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error && err.message.startsWith('NOSCRIPT'))) throw err;
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}
