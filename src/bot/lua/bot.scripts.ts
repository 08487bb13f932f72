// Loads the bot layer's Lua scripts (this folder) and runs them by SHA.
//
// EVALSHA with an EVAL fallback on NOSCRIPT, as the seat scripts do: a
// restarted or failed-over Redis has an empty script cache and EVAL reloads
// it, and the caller's shared client is left untouched (no defineCommand).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

export type BotScriptName = 'storage-write' | 'turn-lock-release' | 'turn-lock-extend';

/** One Lua script from `src/bot/lua/<name>.lua`. */
export class BotScript {
  readonly source: string;
  readonly sha: string;

  constructor(readonly name: BotScriptName) {
    this.source = readFileSync(new URL(`./${name}.lua`, import.meta.url), 'utf8');
    this.sha = createHash('sha1').update(this.source).digest('hex');
  }

  async run(redis: Redis, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error && err.message.startsWith('NOSCRIPT'))) throw err;
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}
