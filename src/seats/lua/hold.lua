--[[
  Holds `quantity` places in one section for one allocation (an order).
  Seated: the best block of adjacent free seats in one row (see placeBlock).
  General admission: a count, as long as held + sold stays within capacity.

  Input:
    KEYS[1] alloc     hash of this allocation (…:alloc:<holdId>)
    KEYS[2] counts    hash <sectionId>:held / <sectionId>:sold
    KEYS[3] expiring  zset holdId -> expiresAt, held allocations only
    KEYS[4] holders   zset (scores 0) '<customerKey>\0<holdId>', held allocations only
    KEYS[5] seats     hash <sectionId> -> seat map, <sectionId>#layout -> its layout
    KEYS[6] origins   zset (scores 0) '<originKey>\0<holdId>' of holds made with an origin
    KEYS[7] unpaid    hash holdId -> places, this section's holds by customers who never paid

    ARGV[1] holdId
    ARGV[2] eventId
    ARGV[3] sectionId
    ARGV[4] quantity, 1..max party size (checked by the caller)
    ARGV[5] expiresAt, epoch ms
    ARGV[6] now, epoch ms
    ARGV[7] customerKey
    ARGV[8] open holds one customer may have
    ARGV[9] originKey: where the request came from, when nothing else tells
            clients apart (an anonymous chat endpoint); '' for none
    ARGV[10] open holds one origin may have in the event
    ARGV[11] places of this section that customers who never paid may hold
             together; 0 when this hold is not one of theirs (or no share applies)
    ARGV[12] GA capacity, or 0 for a seated section
    ARGV[13] seated only: the catalog layout, rows best first, 'A:20|B:20|…'.
             The catalog is the source of truth: the seat map is created from
             it on the first hold, and refitted when the catalog changes.
    ARGV[14] seated only: the length of a seat map with exactly that layout.

  Output:
    {'ok', '0', <allocation as field, value pairs>}
    {'err', reason, available, largestBlock}
      reason: hold_exists | too_many_holds | origin_holds | unpaid_share |
              not_enough_seats | no_adjacent_block

  Concurrency: Redis runs one script at a time, so between this script reading
  a seat as '.' and writing it as 'H' no other hold, sell or release can run.
  The hold id, the customer's and the origin's open holds and the unpaid
  share are checked in the same step, so two racing holds with one id (or
  one customer, one origin or the share at its cap) cannot both pass.

  Sell, release and swap never touch the origins and unpaid keys: each hold
  is counted there only while it is still in the expiry index (held), and a
  member found no longer held is dropped as it is counted. So those scripts
  stay as they are, and the keys never count a hold that has ended.

  Cluster: every KEY is under the event's hash tag {ev:<eventId>} (seat.keys.ts),
  so the seats, counters and allocations one step changes share a slot: that is
  what makes a hold or a sale one atomic step on Redis Cluster too.
]]

local allocKey, countsKey, expiringKey, holdersKey, seatsKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local originsKey, unpaidKey = KEYS[6], KEYS[7]
local holdId, eventId, sectionId = ARGV[1], ARGV[2], ARGV[3]
local quantity = tonumber(ARGV[4])
local now = tonumber(ARGV[6])
local customerKey = ARGV[7]
local maxOpenHolds = tonumber(ARGV[8])
local originKey = ARGV[9]
local maxOriginHolds = tonumber(ARGV[10])
local unpaidShare = tonumber(ARGV[11])
local capacity = tonumber(ARGV[12])
local layout = ARGV[13]
local mapLength = tonumber(ARGV[14])
local layoutField = sectionId .. '#layout'

-- The owner's held allocations in this event that have not expired yet,
-- among the '<owner>\0<holdId>' members of setKey. With `prune`, members
-- whose hold is no longer held (sold, released, swapped) are dropped.
local function openHolds(setKey, owner, prune)
  local members = redis.call('ZRANGEBYLEX', setKey, '[' .. owner .. HOLDER_SEPARATOR, '(' .. owner .. '\1')
  local open = 0
  for _, member in ipairs(members) do
    local expiresAt = redis.call('ZSCORE', expiringKey, string.sub(member, #owner + 2))
    if expiresAt and tonumber(expiresAt) > now then
      open = open + 1
    elseif prune and not expiresAt then
      redis.call('ZREM', setKey, member)
    end
  end
  return open
end

-- Places of this section held by customers who never paid, dropping holds
-- that ended. Held counts whatever the hold's end: until it is released on
-- evidence, its places are out of sale.
local function unpaidHeld()
  local flat = redis.call('HGETALL', unpaidKey)
  local held = 0
  for i = 1, #flat, 2 do
    if redis.call('ZSCORE', expiringKey, flat[i]) then
      held = held + tonumber(flat[i + 1])
    else
      redis.call('HDEL', unpaidKey, flat[i])
    end
  end
  return held
end

local function gaAvailable()
  local c = redis.call('HMGET', countsKey, sectionId .. ':held', sectionId .. ':sold')
  return capacity - (tonumber(c[1]) or 0) - (tonumber(c[2]) or 0)
end

-- Rebuilds a seat map for a changed catalog layout, keeping every seat by row
-- name and number: rows in the new order, new or longer rows padded with free
-- seats. Seats past a shortened row's end, and rows the catalog dropped (kept
-- at the end), stay in the map so their allocations still sell and release;
-- forSale hides them from placement.
local function refitMap(map)
  local old, order, parts, listed = {}, {}, {}, {}
  for name, seats in string.gmatch(map, '|([^:|]+):([^|]*)') do
    old[name] = seats
    table.insert(order, name)
  end
  for name, size in string.gmatch(layout, '([^:|]+):(%d+)') do
    local seats = old[name] or ''
    size = tonumber(size)
    if #seats < size then seats = seats .. string.rep('.', size - #seats) end
    listed[name] = true
    table.insert(parts, '|' .. name .. ':' .. seats)
  end
  for _, name in ipairs(order) do
    if not listed[name] then table.insert(parts, '|' .. name .. ':' .. old[name]) end
  end
  return table.concat(parts)
end

-- The map as placement sees it: seats the catalog no longer lists read 'X'.
-- Same length and positions as the map, so a block found here is marked there.
local function forSale(map)
  local parts = {}
  local sizes = string.gmatch(layout, ':(%d+)')
  for header, seats in string.gmatch(map, '(|[^:|]+:)([^|]*)') do
    local size = tonumber(sizes() or 0)
    if #seats > size then seats = string.sub(seats, 1, size) .. string.rep('X', #seats - size) end
    table.insert(parts, header .. seats)
  end
  return table.concat(parts)
end

-- The section's seat map (created all free from the layout on first use) and
-- its view for placement. A map exactly as long as the layout has nothing
-- past the catalog, which is every map until the catalog shrinks a section.
local function loadMap()
  local stored = redis.call('HMGET', seatsKey, sectionId, layoutField)
  local map = stored[1]
  if not map or stored[2] ~= layout then map = refitMap(map or '') end
  if #map == mapLength then return map, map end
  return map, forSale(map)
end

-- Row name and seat number of a map position: the last row header before it.
local function seatAt(map, position)
  local name, seatOne = string.match(string.sub(map, 1, position), '.*|([^:|]+):()')
  return name, position - seatOne + 1
end

--[[
  Best available: `n` adjacent free seats in one row, best row first, leaving
  no single free seat stranded (a free seat with no free neighbour) when any
  placement in the section avoids it. A free run of length L takes the block
    L == n      exactly: strands nothing (preferred within a row);
    L >= n + 2  flush against the run's low-numbered end: leaves >= 2 together;
    L == n + 1  anywhere: always strands one seat, so only if nothing else fits.
  Runs never cross rows (a '|name:' header separates them), so one pass over
  the whole view visits them row by row with plain finds, no per-row strings.
  Returns the view position of the block's first seat, or nil when no row has
  n adjacent free seats.
]]
local function placeBlock(view, n)
  local flush, stranding
  local pos = 1
  while true do
    local first = string.find(view, '.', pos, true)
    if not first then break end
    -- A flush placement found earlier is in a better row than this run: take it.
    if flush and (string.find(view, '|', flush, true) or first) < first then return flush end
    local last = (string.find(view, '[^.]', first) or (#view + 1)) - 1
    local len = last - first + 1
    if len == n then return first end
    if len >= n + 2 and not flush then flush = first end
    if len == n + 1 and not stranding then stranding = first end
    pos = last + 1
  end
  return flush or stranding
end

-- Free seats for sale and the longest run of adjacent free seats in one row.
local function seatStats(view)
  local free, largest = 0, 0
  for run in string.gmatch(view, '%.+') do
    free = free + #run
    if #run > largest then largest = #run end
  end
  return free, largest
end

local function refuse(reason)
  local available, largest
  if capacity > 0 then
    available = math.max(gaAvailable(), 0)
    largest = available
  else
    local _, view = loadMap()
    available, largest = seatStats(view)
  end
  return { 'err', reason, available, largest }
end

-- Marks the block held in the map and returns its seat names as a comma list.
local function holdBlock(map, position)
  map = string.sub(map, 1, position - 1) .. string.rep('H', quantity) .. string.sub(map, position + quantity)
  redis.call('HSET', seatsKey, sectionId, map, layoutField, layout)
  local row, first = seatAt(map, position)
  local names = {}
  for k = 0, quantity - 1 do table.insert(names, row .. '-' .. (first + k)) end
  return table.concat(names, ',')
end

if not quantity or quantity < 1 or quantity ~= math.floor(quantity) then
  return redis.error_reply('ERR hold quantity must be a positive integer')
end
if redis.call('EXISTS', allocKey) == 1 then return refuse('hold_exists') end
if openHolds(holdersKey, customerKey, false) >= maxOpenHolds then return refuse('too_many_holds') end
if originKey ~= '' and openHolds(originsKey, originKey, true) >= maxOriginHolds then return refuse('origin_holds') end
if unpaidShare > 0 and unpaidHeld() + quantity > unpaidShare then return refuse('unpaid_share') end

local seats = ''
if capacity > 0 then
  if gaAvailable() < quantity then return refuse('not_enough_seats') end
else
  local map, view = loadMap()
  local position = placeBlock(view, quantity)
  if not position then
    local free, largest = seatStats(view)
    return { 'err', free < quantity and 'not_enough_seats' or 'no_adjacent_block', free, largest }
  end
  seats = holdBlock(map, position)
end

local alloc = {}
updateAlloc(allocKey, alloc, {
  'holdId', holdId, 'eventId', eventId, 'sectionId', sectionId, 'seats', seats,
  'quantity', ARGV[4], 'state', 'held', 'expiresAt', ARGV[5],
  'customerKey', customerKey, 'createdAt', ARGV[6],
})
redis.call('ZADD', expiringKey, ARGV[5], holdId)
redis.call('ZADD', holdersKey, 0, customerKey .. HOLDER_SEPARATOR .. holdId)
if originKey ~= '' then redis.call('ZADD', originsKey, 0, originKey .. HOLDER_SEPARATOR .. holdId) end
if unpaidShare > 0 then redis.call('HSET', unpaidKey, holdId, quantity) end
addCount(countsKey, sectionId, 'held', quantity)
return okReply(alloc, '0')
