--[[
  Sells a held allocation: its seats (or GA places) go from held to sold.
  Selling an allocation that is already sold changes nothing and says so, so a
  payment webhook delivered twice is harmless. An expired but unreleased hold
  still sells: a hold ends only on evidence, and a payment is the opposite.

  Input:
    KEYS[1] alloc     hash of this allocation
    KEYS[2] counts    hash <sectionId>:held / <sectionId>:sold
    KEYS[3] expiring  zset holdId -> expiresAt, held allocations only
    KEYS[4] holders   zset '<customerKey>\0<holdId>', held allocations only
    KEYS[5] seats     hash <sectionId> -> seat map

    ARGV[1] holdId
    ARGV[2] now, epoch ms

  Output:
    {'ok', already ('0' | '1'), <allocation as field, value pairs>}
    {'err', reason}   reason: unknown_hold | released | swapped

  Concurrency: the state check and the change are one script, so a sell racing
  a release of the same hold sees either 'held' (and wins) or 'released'.

  Cluster: every KEY is under the event's hash tag {ev:<eventId>} (seat.keys.ts),
  so the seats, counters and allocations one step changes share a slot: that is
  what makes a hold or a sale one atomic step on Redis Cluster too.
]]

local allocKey, countsKey, expiringKey, holdersKey, seatsKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local holdId, now = ARGV[1], ARGV[2]

local alloc = readAlloc(allocKey)
if not alloc then return { 'err', 'unknown_hold' } end
if alloc.state == 'sold' then return okReply(alloc, '1') end
if alloc.swappedInto then return { 'err', 'swapped' } end
if alloc.state ~= 'held' then return { 'err', 'released' } end

local quantity = tonumber(alloc.quantity)
if alloc.seats ~= '' then
  local map = redis.call('HGET', seatsKey, alloc.sectionId) or ''
  local positions = seatPositions(map, alloc.seats)
  assertSeats(map, positions, 'H', alloc.sectionId)
  redis.call('HSET', seatsKey, alloc.sectionId, markSeats(map, positions, 'S'))
end
addCount(countsKey, alloc.sectionId, 'held', -quantity)
addCount(countsKey, alloc.sectionId, 'sold', quantity)
forgetHold(expiringKey, holdersKey, holdId, alloc.customerKey)
updateAlloc(allocKey, alloc, { 'state', 'sold', 'soldAt', now })
return okReply(alloc, '0')
