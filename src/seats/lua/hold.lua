--[[
  Holds `quantity` places in one section for one allocation (an order).
  Seated: the best block of adjacent free seats in one row (see placeBlock).
  General admission: a count, as long as held + sold stays within capacity.

  Input:
    KEYS[1] alloc     hash of this allocation (…:alloc:<holdId>)
    KEYS[2] counts    hash <sectionId>:held / <sectionId>:sold
    KEYS[3] expiring  zset holdId -> expiresAt, held allocations only
    KEYS[4] holders   zset (scores 0) '<customerKey>\0<holdId>', held allocations only
    KEYS[5] seats     hash <sectionId>/<row> -> seat string

    ARGV[1] holdId
    ARGV[2] eventId
    ARGV[3] sectionId
    ARGV[4] quantity, 1..max party size (checked by the caller)
    ARGV[5] expiresAt, epoch ms
    ARGV[6] now, epoch ms
    ARGV[7] customerKey
    ARGV[8] open holds one customer may have
    ARGV[9] GA capacity, or 0 for a seated section
    ARGV[10..] seated only: row name, row size, row name, row size, ... best row first.
               The catalog is the source of truth for the layout: a row never
               held from is not stored, and is created here, all free.

  Output:
    {'ok', '0', <allocation as HGETALL pairs>}
    {'err', reason, available, largestBlock}
      reason: hold_exists | too_many_holds | not_enough_seats | no_adjacent_block

  Concurrency: Redis runs one script at a time, so between this script reading
  a seat as '.' and writing it as 'H' no other hold, sell or release can run.
  The hold id and the customer's open holds are checked in the same step, so
  two racing holds with one id (or one customer at the cap) cannot both pass.
]]

local allocKey, countsKey, expiringKey, holdersKey, seatsKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local holdId, eventId, sectionId = ARGV[1], ARGV[2], ARGV[3]
local quantity = tonumber(ARGV[4])
local now = tonumber(ARGV[6])
local customerKey = ARGV[7]
local maxOpenHolds = tonumber(ARGV[8])
local capacity = tonumber(ARGV[9])
local FIRST_ROW_ARG = 10

-- The customer's held allocations in this event that have not expired yet.
local function openHolds()
  local members = redis.call('ZRANGEBYLEX', holdersKey,
    '[' .. customerKey .. HOLDER_SEPARATOR, '(' .. customerKey .. '\1')
  local open = 0
  for _, member in ipairs(members) do
    local expiresAt = redis.call('ZSCORE', expiringKey, string.sub(member, #customerKey + 2))
    if expiresAt and tonumber(expiresAt) > now then open = open + 1 end
  end
  return open
end

local function gaAvailable()
  local c = redis.call('HMGET', countsKey, sectionId .. ':held', sectionId .. ':sold')
  return capacity - (tonumber(c[1]) or 0) - (tonumber(c[2]) or 0)
end

-- The section's rows best first: { name, field, seats (stored string), view (catalog length) }.
local function loadRows()
  local fields, rows = {}, {}
  for i = FIRST_ROW_ARG, #ARGV, 2 do
    table.insert(fields, sectionId .. '/' .. ARGV[i])
  end
  local stored = redis.call('HMGET', seatsKey, unpack(fields))
  for k, field in ipairs(fields) do
    local name = ARGV[FIRST_ROW_ARG + 2 * (k - 1)]
    local size = tonumber(ARGV[FIRST_ROW_ARG + 2 * (k - 1) + 1])
    local s = stored[k] or ''
    -- A row seen for the first time, or lengthened in the catalog, gets free seats.
    if #s < size then s = s .. string.rep('.', size - #s) end
    -- A row shortened in the catalog keeps its stored seats, but sells no more past the end.
    local view = s
    if #s > size then view = string.sub(s, 1, size) end
    rows[k] = { name = name, field = field, seats = s, view = view }
  end
  return rows
end

--[[
  Best available: `n` adjacent free seats in one row, best row first, leaving
  no single free seat stranded (a free seat with no free neighbour) when any
  placement in the section avoids it. A free run of length L takes the block
    L == n      exactly: strands nothing (preferred within a row);
    L >= n + 2  flush against the run's low-numbered end: leaves >= 2 together;
    L == n + 1  anywhere: always strands one seat, so only if nothing else fits.
  Returns row index, first seat number; or nil when no row has n adjacent free seats.
]]
local function placeBlock(rows, n)
  local stranding
  for i, row in ipairs(rows) do
    local flush
    local pos = 1
    while true do
      local first, last = string.find(row.view, '%.+', pos)
      if not first then break end
      local len = last - first + 1
      if len == n then return i, first end
      if len >= n + 2 and not flush then flush = first end
      if len == n + 1 and not stranding then stranding = { i, first } end
      pos = last + 1
    end
    if flush then return i, flush end
  end
  if stranding then return stranding[1], stranding[2] end
  return nil
end

-- Free seats and the longest free run across the section.
local function seatStats(rows)
  local free, largest = 0, 0
  for _, row in ipairs(rows) do
    for run in string.gmatch(row.view, '%.+') do
      free = free + #run
      if #run > largest then largest = #run end
    end
  end
  return free, largest
end

local function refuse(reason)
  local available, largest
  if capacity > 0 then
    available = math.max(gaAvailable(), 0)
    largest = available
  else
    available, largest = seatStats(loadRows())
  end
  return { 'err', reason, available, largest }
end

-- Marks the block held and returns its seat names as a comma list.
local function holdBlock(row, first, n)
  row.seats = string.sub(row.seats, 1, first - 1) .. string.rep('H', n) .. string.sub(row.seats, first + n)
  redis.call('HSET', seatsKey, row.field, row.seats)
  local names = {}
  for k = 0, n - 1 do table.insert(names, row.name .. '-' .. (first + k)) end
  return table.concat(names, ',')
end

if not quantity or quantity < 1 or quantity ~= math.floor(quantity) then
  return redis.error_reply('ERR hold quantity must be a positive integer')
end
if redis.call('EXISTS', allocKey) == 1 then return refuse('hold_exists') end
if openHolds() >= maxOpenHolds then return refuse('too_many_holds') end

local seats = ''
if capacity > 0 then
  if gaAvailable() < quantity then return refuse('not_enough_seats') end
else
  local rows = loadRows()
  local rowIndex, first = placeBlock(rows, quantity)
  if not rowIndex then
    local free, largest = seatStats(rows)
    return { 'err', free < quantity and 'not_enough_seats' or 'no_adjacent_block', free, largest }
  end
  seats = holdBlock(rows[rowIndex], first, quantity)
end

redis.call('HSET', allocKey,
  'holdId', holdId, 'eventId', eventId, 'sectionId', sectionId, 'seats', seats,
  'quantity', quantity, 'state', 'held', 'expiresAt', ARGV[5],
  'customerKey', customerKey, 'createdAt', ARGV[6])
redis.call('ZADD', expiringKey, ARGV[5], holdId)
redis.call('ZADD', holdersKey, 0, customerKey .. HOLDER_SEPARATOR .. holdId)
addCount(countsKey, sectionId, 'held', quantity)
return okReply(allocKey, '0')
