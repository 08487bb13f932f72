--[[
  Returns some or all of a sold allocation's places to sale: a refund.
  Seated: the named seats go from sold ('S') to free ('.') and leave the
  allocation, which keeps the rest. General admission: the count drops.
  Each return carries an id (the refund's) and is applied at most once, so a
  refund confirmed twice gives its seats back once. When nothing is left the
  allocation's state becomes 'returned' (never sold, released or swapped
  again); it is kept, not expired, so a late duplicate still finds its id.

  Input:
    KEYS[1] alloc     hash of this allocation
    KEYS[2] counts    hash <sectionId>:held / <sectionId>:sold
    KEYS[3] seats     hash <sectionId> -> seat map

    ARGV[1] holdId
    ARGV[2] returnId, e.g. the refund id 'RF-7K2QXH9M3A'
    ARGV[3] places to return, >= 1
    ARGV[4] seated: the seat names to return, comma list ('A-3,A-4'), as many
            as ARGV[3]; general admission: ''
    ARGV[5] now, epoch ms

  Output:
    {'ok', already ('0' | '1'), <allocation as field, value pairs, after the return>}
    {'err', reason}
      reason: unknown_hold | not_sold | not_in_allocation | too_many

  The allocation remembers each return as field 'return:<returnId>' (its seats,
  or its count for GA), which is how a repeat is recognised.

  Concurrency: the allocation, the seat map and the counters are read, checked
  and written inside this one script, so a hold running at the same time sees
  the seats either still sold or already free, never half-returned, and the
  sold counter moves by exactly the places freed. Every key is the event's
  ({ev:<id>} hash tag), so this holds on Redis Cluster too.

  Cluster: every KEY is under the event's hash tag {ev:<eventId>} (seat.keys.ts),
  so the seats, counters and allocations one step changes share a slot: that is
  what makes a hold or a sale one atomic step on Redis Cluster too.
]]

local allocKey, countsKey, seatsKey = KEYS[1], KEYS[2], KEYS[3]
local returnId, places, wanted, now = ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5]
local returnField = 'return:' .. returnId

if not places or places < 1 or places ~= math.floor(places) then
  return redis.error_reply('ERR return places must be a positive integer')
end

local alloc = readAlloc(allocKey)
if not alloc then return { 'err', 'unknown_hold' } end
if alloc[returnField] then return okReply(alloc, '1') end
if alloc.state ~= 'sold' then return { 'err', 'not_sold' } end

local quantity = tonumber(alloc.quantity)
if places > quantity then return { 'err', 'too_many' } end

local remaining = ''
if alloc.seats ~= '' then
  -- Every seat asked for must be one of this allocation's, once.
  local mine, asked, kept = {}, {}, {}
  for seat in string.gmatch(alloc.seats, '[^,]+') do mine[seat] = true end
  local count = 0
  for seat in string.gmatch(wanted, '[^,]+') do
    if not mine[seat] or asked[seat] then return { 'err', 'not_in_allocation' } end
    asked[seat] = true
    count = count + 1
  end
  if count ~= places then return { 'err', 'not_in_allocation' } end
  for seat in string.gmatch(alloc.seats, '[^,]+') do
    if not asked[seat] then table.insert(kept, seat) end
  end
  remaining = table.concat(kept, ',')

  local map = redis.call('HGET', seatsKey, alloc.sectionId) or ''
  local positions = seatPositions(map, wanted)
  assertSeats(map, positions, 'S', alloc.sectionId)
  redis.call('HSET', seatsKey, alloc.sectionId, markSeats(map, positions, '.'))
elseif wanted ~= '' then
  return { 'err', 'not_in_allocation' }
end

addCount(countsKey, alloc.sectionId, 'sold', -places)
local left = quantity - places
updateAlloc(allocKey, alloc, {
  'seats', remaining, 'quantity', tostring(left),
  'state', left == 0 and 'returned' or 'sold',
  returnField, wanted ~= '' and wanted or tostring(places), 'returnedAt', now,
})
return okReply(alloc, '0')
