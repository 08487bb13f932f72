--[[
  Releases a held allocation: its seats (or GA places) go back on sale.
  Releasing twice changes nothing the second time and says so. A sold
  allocation is never released here (refunds are a separate decision).
  The allocation stays as a tombstone for 3 days so a late sell says 'released'.

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
    {'err', reason}   reason: unknown_hold | sold | swapped

  Concurrency: the state check and the change are one script, so a release
  racing a sell of the same hold sees either 'held' (and wins) or 'sold'.

  Cluster: every KEY is under the event's hash tag {ev:<eventId>} (seat.keys.ts),
  so the seats, counters and allocations one step changes share a slot: that is
  what makes a hold or a sale one atomic step on Redis Cluster too.
]]

local allocKey, countsKey, expiringKey, holdersKey, seatsKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local holdId, now = ARGV[1], ARGV[2]

local alloc = readAlloc(allocKey)
if not alloc then return { 'err', 'unknown_hold' } end
if alloc.swappedInto then return { 'err', 'swapped' } end
if alloc.state == 'released' then return okReply(alloc, '1') end
if alloc.state ~= 'held' then return { 'err', 'sold' } end

if alloc.seats ~= '' then
  local map = redis.call('HGET', seatsKey, alloc.sectionId) or ''
  local positions = seatPositions(map, alloc.seats)
  assertSeats(map, positions, 'H', alloc.sectionId)
  redis.call('HSET', seatsKey, alloc.sectionId, markSeats(map, positions, '.'))
end
addCount(countsKey, alloc.sectionId, 'held', -tonumber(alloc.quantity))
forgetHold(expiringKey, holdersKey, holdId, alloc.customerKey)
updateAlloc(allocKey, alloc, { 'state', 'released', 'releasedAt', now })
redis.call('PEXPIRE', allocKey, TOMBSTONE_MS)
return okReply(alloc, '0')
