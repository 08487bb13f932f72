--[[
  Upgrades a sold allocation onto the seats of a held one, in one step:
  the held seats become sold under the sold allocation (same id, so its
  tickets and order keep pointing at it), its old seats go back on sale, and
  the held allocation ends (state 'released', swappedInto = the sold id).
  Running it again finds swappedInto and changes nothing.

  Input:
    KEYS[1] sold alloc  hash of the paid allocation being upgraded
    KEYS[2] held alloc  hash of the hold on the better seats
    KEYS[3] counts      hash <sectionId>:held / <sectionId>:sold
    KEYS[4] expiring    zset holdId -> expiresAt, held allocations only
    KEYS[5] holders     zset '<customerKey>\0<holdId>', held allocations only
    KEYS[6] seats       hash <sectionId> -> seat map

    ARGV[1] soldId
    ARGV[2] heldId
    ARGV[3] now, epoch ms

  Output:
    {'ok', already ('0' | '1'), freedSectionId, freedSeats (comma list),
           <sold allocation as field, value pairs, now on the new seats>}
    {'err', reason}
      reason: unknown_sold | not_sold | unknown_hold | released | not_held
              | swapped | quantity_mismatch

  Concurrency: both allocations and every seat are checked, then changed,
  inside one script, so nothing can sell, release or swap either allocation
  in between; a seat is never free and sold at once, nor sold twice.

  Cluster: every KEY is under the event's hash tag {ev:<eventId>} (seat.keys.ts),
  so the seats, counters and allocations one step changes share a slot: that is
  what makes a hold or a sale one atomic step on Redis Cluster too.
]]

local soldKey, heldKey, countsKey, expiringKey, holdersKey, seatsKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local soldId, heldId, now = ARGV[1], ARGV[2], ARGV[3]

local sold = readAlloc(soldKey)
local held = readAlloc(heldKey)
if sold and held and held.swappedInto == soldId then
  return okReply(sold, '1', { held.freedSectionId, held.freedSeats })
end
if not sold then return { 'err', 'unknown_sold' } end
if sold.state ~= 'sold' then return { 'err', 'not_sold' } end
if not held then return { 'err', 'unknown_hold' } end
if held.swappedInto then return { 'err', 'swapped' } end
if held.state == 'released' then return { 'err', 'released' } end
if held.state ~= 'held' then return { 'err', 'not_held' } end
if held.quantity ~= sold.quantity then return { 'err', 'quantity_mismatch' } end

-- Both seat maps are read and checked before anything is written. The two
-- sections may be one map; marking never moves a position, so the second
-- mark composes with the first.
local maps = {}
local function map(sectionId)
  maps[sectionId] = maps[sectionId] or redis.call('HGET', seatsKey, sectionId) or ''
  return maps[sectionId]
end
local oldPositions = seatPositions(map(sold.sectionId), sold.seats)
local newPositions = seatPositions(map(held.sectionId), held.seats)
assertSeats(map(sold.sectionId), oldPositions, 'S', sold.sectionId)
assertSeats(map(held.sectionId), newPositions, 'H', held.sectionId)
maps[sold.sectionId] = markSeats(map(sold.sectionId), oldPositions, '.')
maps[held.sectionId] = markSeats(map(held.sectionId), newPositions, 'S')
for sectionId, seats in pairs(maps) do
  if seats ~= '' then redis.call('HSET', seatsKey, sectionId, seats) end
end

local quantity = tonumber(held.quantity)
addCount(countsKey, sold.sectionId, 'sold', -quantity)
addCount(countsKey, held.sectionId, 'held', -quantity)
addCount(countsKey, held.sectionId, 'sold', quantity)
forgetHold(expiringKey, holdersKey, heldId, held.customerKey)

local freedSectionId, freedSeats = sold.sectionId, sold.seats
updateAlloc(soldKey, sold, {
  'sectionId', held.sectionId, 'seats', held.seats,
  'previousSectionId', freedSectionId, 'previousSeats', freedSeats,
  'swappedFrom', heldId, 'swappedAt', now,
})
updateAlloc(heldKey, held, {
  'state', 'released', 'swappedInto', soldId,
  'freedSectionId', freedSectionId, 'freedSeats', freedSeats, 'releasedAt', now,
})
redis.call('PEXPIRE', heldKey, TOMBSTONE_MS)
return okReply(sold, '0', { freedSectionId, freedSeats })
