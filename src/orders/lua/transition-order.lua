--[[
  Moves an order to a new state, at most once per cause.

  KEYS[1]  order hash      <prefix>order:{BX-7K2Q}   scalar fields; arrays as JSON strings
  KEYS[2]  timeline list   <prefix>order:{BX-7K2Q}:timeline   one JSON entry per element
  KEYS[3]  causes set      <prefix>order:{BX-7K2Q}:causes     "<to>|<cause>" already applied
  ARGV[1]  target state
  ARGV[2]  cause id, e.g. "stripe:evt_123"
  ARGV[3]  now, ISO 8601 (timeline "at" and updatedAt)
  ARGV[4]  note, or "" for none
  ARGV[5]  the states that may move to ARGV[1], space separated and padded:
           " held awaiting_payment " (the caller derives it from order.ts, so
           the state machine has one source of truth)
  ARGV[6..] patch: field, value, ... (values already encoded by the caller)

  Result: { outcome, hash as HGETALL pairs, timeline entries } where outcome is
  'applied' | 'duplicate' | 'already' | 'illegal'; or { 'unknown_order' }.

  Checks, in order: unknown order; cause already applied to this target
  ('duplicate'); already in the target state ('already', records nothing, so a
  late duplicate from another source leaves no trace); move not allowed
  ('illegal'); otherwise apply.

  Concurrency: the read of the current state, the legality check and every
  write happen inside this one script, which Redis runs without interleaving
  any other command. So when a 'paid' and an 'expired' cause race on the same
  order, whichever runs first applies and the other sees a state it cannot
  leave: exactly one move lands. All keys share the order's {id} hash tag, so
  the same holds on Redis Cluster.

  Remembering "<to>|<cause>" rather than the bare cause lets one event drive
  two steps (paid, then fulfilled, both caused by stripe:evt_123) while a
  replay of either step is still a no-op.

  Empty tables are never passed to cjson (it would encode them as {}): arrays
  live in the hash as JSON text built by the caller.

  Cluster: every KEY is under the order's hash tag {<order id>} (order.store.ts),
  so an order, its timeline, causes and refunds change in one atomic step;
  indexes across orders (by customer, by event) are written apart.
]]
local orderKey, timelineKey, causesKey = KEYS[1], KEYS[2], KEYS[3]
local to, cause, now, note, allowedFrom = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]

local function snapshot(outcome)
  return { outcome, redis.call('HGETALL', orderKey), redis.call('LRANGE', timelineKey, 0, -1) }
end

local from = redis.call('HGET', orderKey, 'state')
if not from then
  return { 'unknown_order' }
end

local causeId = to .. '|' .. cause
if redis.call('SISMEMBER', causesKey, causeId) == 1 then
  return snapshot('duplicate')
end
if from == to then
  return snapshot('already')
end
if not string.find(allowedFrom, ' ' .. from .. ' ', 1, true) then
  return snapshot('illegal')
end

local entry = { at = now, from = from, to = to, cause = cause }
if note ~= '' then
  entry.note = note
end

redis.call('HSET', orderKey, 'state', to, 'updatedAt', now)
if #ARGV > 5 then
  redis.call('HSET', orderKey, unpack(ARGV, 6))
end
redis.call('RPUSH', timelineKey, cjson.encode(entry))
redis.call('SADD', causesKey, causeId)
return snapshot('applied')
