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
    KEYS[6] seats       hash <sectionId>/<row> -> seat string

    ARGV[1] soldId
    ARGV[2] heldId
    ARGV[3] now, epoch ms

  Output:
    {'ok', already ('0' | '1'), freedSectionId, freedSeats (comma list),
           <sold allocation as HGETALL pairs, now on the new seats>}
    {'err', reason}
      reason: unknown_sold | not_sold | unknown_hold | released | not_held
              | swapped | quantity_mismatch

  Concurrency: both allocations and every seat are checked, then changed,
  inside one script, so nothing can sell, release or swap either allocation
  in between; a seat is never free and sold at once, nor sold twice.
]]

local soldKey, heldKey, countsKey, expiringKey, holdersKey, seatsKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local soldId, heldId, now = ARGV[1], ARGV[2], ARGV[3]

local sold = readAlloc(soldKey)
local held = readAlloc(heldKey)
if held and held.swappedInto == soldId then
  return okReply(soldKey, '1', { held.freedSectionId, held.freedSeats })
end
if not sold then return { 'err', 'unknown_sold' } end
if sold.state ~= 'sold' then return { 'err', 'not_sold' } end
if not held then return { 'err', 'unknown_hold' } end
if held.swappedInto then return { 'err', 'swapped' } end
if held.state == 'released' then return { 'err', 'released' } end
if held.state ~= 'held' then return { 'err', 'not_held' } end
if held.quantity ~= sold.quantity then return { 'err', 'quantity_mismatch' } end

local oldSeats = seatsByRow(sold.sectionId, sold.seats)
local newSeats = seatsByRow(held.sectionId, held.seats)
assertSeats(seatsKey, oldSeats, 'S')
assertSeats(seatsKey, newSeats, 'H')
setSeats(seatsKey, oldSeats, '.')
setSeats(seatsKey, newSeats, 'S')

addCount(countsKey, sold.sectionId, 'sold', -sold.quantity)
addCount(countsKey, held.sectionId, 'held', -held.quantity)
addCount(countsKey, held.sectionId, 'sold', held.quantity)
forgetHold(expiringKey, holdersKey, heldId, held.customerKey)

redis.call('HSET', soldKey,
  'sectionId', held.sectionId, 'seats', held.seats, 'quantity', held.quantity,
  'previousSectionId', sold.sectionId, 'previousSeats', sold.seats,
  'swappedFrom', heldId, 'swappedAt', now)
redis.call('HSET', heldKey,
  'state', 'released', 'swappedInto', soldId,
  'freedSectionId', sold.sectionId, 'freedSeats', sold.seats, 'releasedAt', now)
redis.call('PEXPIRE', heldKey, TOMBSTONE_MS)
return okReply(soldKey, '0', { sold.sectionId, sold.seats })
