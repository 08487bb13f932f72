--[[
  Writes one bot-state item if its eTag still matches, and refreshes its
  time to live: botbuilder's optimistic concurrency for one Storage key.

  KEYS[1]  the item's hash        <prefix><storage key>  fields: etag, doc
  ARGV[1]  the eTag the writer read, or '' to overwrite whatever is stored
           (botbuilder: a missing eTag or '*')
  ARGV[2]  the new eTag
  ARGV[3]  the item as JSON, already carrying the new eTag
  ARGV[4]  time to live in milliseconds

  Result: 1 = written; 0 = eTag conflict, nothing changed.

  Check and set are one script, so no other writer can slip in between them
  (Redis runs a script to completion). A missing item is written whatever
  eTag the writer holds, as botbuilder's MemoryStorage does. One key per
  call, so it runs unchanged on Redis Cluster.

  Cluster: one key, so one slot.
]]
local key = KEYS[1]
local expected, etag, doc, ttl = ARGV[1], ARGV[2], ARGV[3], ARGV[4]

local current = redis.call('HGET', key, 'etag')
if expected ~= '' and current and current ~= expected then
  return 0
end
redis.call('HSET', key, 'etag', etag, 'doc', doc)
redis.call('PEXPIRE', key, ttl)
return 1
