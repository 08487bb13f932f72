--[[
  Appends a timeline entry without changing the order's state, and applies
  an optional patch in the same step.

  KEYS[1]  order hash      <prefix>order:{BX-7K2Q}
  KEYS[2]  timeline list   <prefix>order:{BX-7K2Q}:timeline
  KEYS[3]  causes set      <prefix>order:{BX-7K2Q}:causes   notes are remembered as "note|<cause>"
  ARGV[1]  cause id, e.g. "twilio:SM123"
  ARGV[2]  now, ISO 8601
  ARGV[3]  note text
  ARGV[4..] patch: field, value, ... (values encoded by the caller), applied
           with the entry: an upgrade's new section, seats and tickets

  Result: 1 = appended; 0 = this cause was already noted, nothing written;
  -1 = no such order.

  Check and append are one script so two workers retrying the same job cannot
  both append; the keys share the {id} hash tag (Redis Cluster).

  Cluster: every KEY is under the order's hash tag {<order id>} (order.store.ts),
  so an order, its timeline, causes and refunds change in one atomic step;
  indexes across orders (by customer, by event) are written apart.
]]
local orderKey, timelineKey, causesKey = KEYS[1], KEYS[2], KEYS[3]
local cause, now, note = ARGV[1], ARGV[2], ARGV[3]

if redis.call('EXISTS', orderKey) == 0 then
  return -1
end
if redis.call('SADD', causesKey, 'note|' .. cause) == 0 then
  return 0
end
redis.call('RPUSH', timelineKey, cjson.encode({ at = now, cause = cause, note = note }))
redis.call('HSET', orderKey, 'updatedAt', now)
if #ARGV > 3 then
  redis.call('HSET', orderKey, unpack(ARGV, 4))
end
return 1
