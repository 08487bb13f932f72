// Loads the seat engine's Lua scripts (each with the shared seat.lib.lua in
// front) and decodes what they answer.
import { readFileSync } from 'node:fs';
import { LuaScript } from '../redis/lua-script.js';

function readLua(file: string): string {
  return readFileSync(new URL(`./lua/${file}`, import.meta.url), 'utf8');
}

export interface SeatScripts {
  hold: LuaScript;
  sell: LuaScript;
  release: LuaScript;
  swap: LuaScript;
  /** return.lua: sold places back on sale (refunds). */
  returnSold: LuaScript;
  /** event-state.lua: an event's counts and seat maps, read in one step. */
  eventState: LuaScript;
  /** free-unowned.lua: held places that no held allocation owns, back on sale. */
  freeUnowned: LuaScript;
}

/** Reads the scripts from `lua/`, each that changes seats with seat.lib.lua in front (Redis scripts cannot include files). */
export function loadSeatScripts(): SeatScripts {
  const lib = readLua('seat.lib.lua');
  const script = (file: string) => LuaScript.load(new URL(`./lua/${file}.lua`, import.meta.url), lib);
  return {
    hold: script('hold'),
    sell: script('sell'),
    release: script('release'),
    swap: script('swap'),
    returnSold: script('return'),
    eventState: LuaScript.load(new URL('./lua/event-state.lua', import.meta.url)),
    freeUnowned: script('free-unowned'),
  };
}

/** What every seat script answers, decoded. */
export type ScriptReply =
  | { ok: true; already: boolean; head: string[]; fields: Record<string, string> }
  | { ok: false; reason: string; numbers: number[] };

/**
 * Decodes `{'ok', already, ...head, ...allocation pairs}` or `{'err', reason, ...numbers}`.
 * `headLength` is how many values the script puts before the allocation pairs.
 */
export function decodeReply(reply: unknown, headLength = 0): ScriptReply {
  if (!Array.isArray(reply) || (reply[0] !== 'ok' && reply[0] !== 'err')) {
    throw new Error(`unexpected seat script reply: ${JSON.stringify(reply)}`);
  }
  if (reply[0] === 'err') {
    return { ok: false, reason: String(reply[1]), numbers: reply.slice(2).map(Number) };
  }
  const head = reply.slice(2, 2 + headLength).map(String);
  return { ok: true, already: reply[1] === '1', head, fields: fieldsOf(reply.slice(2 + headLength).map(String)) };
}

/** Field, value pairs as a script returns them (flat, as HGETALL in Lua gives them) to an object. */
export function fieldsOf(pairs: readonly string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < pairs.length; i += 2) fields[pairs[i]!] = pairs[i + 1]!;
  return fields;
}
