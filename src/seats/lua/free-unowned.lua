--[[
  Frees held places that no held allocation owns. The seat state is the
  truth: an allocation record can be lost (a key deleted by hand, a partial
  restore) while its seats stay marked held, out of sale for good, and
  release.lua, which starts from the allocation, answers unknown_hold.

  Owned are the places of every held allocation in the expiry index, and
  the `kept` places the caller names (records still live whose allocation
  is gone: their seats are not taken from under them). Index entries whose
  allocation is gone or no longer held are dropped.

  Input:
    KEYS[1] counts    hash <sectionId>:held / <sectionId>:sold
    KEYS[2] expiring  zset holdId -> expiresAt, held allocations only
    KEYS[3] seats     hash <sectionId> -> seat map
    KEYS[4..] alloc   hash of each hold id of ARGV[5..], in the same order

    ARGV[1] 'free', or 'count' to change nothing and only count
    ARGV[2] '' for every section; or a section id, to free only the places of ARGV[3] there
    ARGV[3] with ARGV[2]: '<seats>|<quantity>', the places of one record ('A-1,A-2|2', or '|2' for GA)
    ARGV[4] kept places, ';'-separated '<sectionId>|<seats>|<quantity>' ('' for none)
    ARGV[5..] the hold ids of the expiry index, as the caller read it

  Output:
    {'ok', freed, dropped}  places freed (or that would be, with 'count'), stale index entries dropped
    {'changed'}             the index is not what the caller read (a hold came or went): read it and run again

  Concurrency: one script, so between reading the allocations and freeing a
  seat no hold can mark it and no allocation can take it. Every allocation
  it reads is in KEYS (all of an event's keys share its hash tag), so it runs
  on Redis Cluster unchanged. Seat names, section ids and row names never
  contain ',', '|' or ';'.

  Cluster: every KEY is under the event's hash tag {ev:<eventId>} (seat.keys.ts),
  so the seats, counters and allocations one step changes share a slot: that is
  what makes a hold or a sale one atomic step on Redis Cluster too.
]]

local countsKey, expiringKey, seatsKey = KEYS[1], KEYS[2], KEYS[3]
local mode, onlySection, onlyPlaces, kept = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local listed = #ARGV - 4
local writing = mode == 'free'

if redis.call('ZCARD', expiringKey) ~= listed then return { 'changed' } end

local ownedSeats, ownedPlaces = {}, {}
local function own(sectionId, seats, quantity)
  if seats ~= '' then
    ownedSeats[sectionId] = ownedSeats[sectionId] or {}
    for seat in string.gmatch(seats, '[^,]+') do ownedSeats[sectionId][seat] = true end
  else
    ownedPlaces[sectionId] = (ownedPlaces[sectionId] or 0) + quantity
  end
end

local stale = {}
for i = 1, listed do
  local holdId = ARGV[4 + i]
  if not redis.call('ZSCORE', expiringKey, holdId) then return { 'changed' } end
  local alloc = readAlloc(KEYS[3 + i])
  if alloc and alloc.state == 'held' then
    own(alloc.sectionId, alloc.seats or '', tonumber(alloc.quantity))
  else
    table.insert(stale, holdId)
  end
end
for claim in string.gmatch(kept, '[^;]+') do
  local sectionId, seats, quantity = string.match(claim, '^([^|]*)|([^|]*)|(%d+)$')
  if sectionId then own(sectionId, seats, tonumber(quantity)) end
end

-- With one record named: only its seats (seated) or at most its quantity (GA).
local allowedSeats, allowedPlaces = nil, nil
if onlySection ~= '' then
  local seats, quantity = string.match(onlyPlaces, '^([^|]*)|(%d+)$')
  allowedSeats, allowedPlaces = {}, tonumber(quantity or '0')
  for seat in string.gmatch(seats or '', '[^,]+') do allowedSeats[seat] = true end
end

local freed = 0

-- Seated sections: every 'H' no owner names. Row by row, '|<row>:<one char per seat>'.
local maps = redis.call('HGETALL', seatsKey)
for i = 1, #maps, 2 do
  local sectionId, map = maps[i], maps[i + 1]
  if not string.find(sectionId, '#', 1, true) and (onlySection == '' or onlySection == sectionId) then
    local owned = ownedSeats[sectionId] or {}
    local positions = {}
    local from = 1
    while true do
      local first, last, row, seats = string.find(map, '|([^:|]+):([^|]*)', from)
      if not first then break end
      local before = last - #seats
      for n = 1, #seats do
        local name = row .. '-' .. n
        if string.sub(seats, n, n) == 'H' and not owned[name] and (allowedSeats == nil or allowedSeats[name]) then
          table.insert(positions, before + n)
        end
      end
      from = last + 1
    end
    if #positions > 0 and writing then
      redis.call('HSET', seatsKey, sectionId, markSeats(map, positions, '.'))
      addCount(countsKey, sectionId, 'held', -#positions)
    end
    freed = freed + #positions
  end
end

-- General admission: a count, so what is held beyond what the owners hold.
local counts = redis.call('HGETALL', countsKey)
for i = 1, #counts, 2 do
  local sectionId = string.match(counts[i], '^(.*):held$')
  if sectionId and (onlySection == '' or onlySection == sectionId) and redis.call('HEXISTS', seatsKey, sectionId) == 0 then
    local surplus = tonumber(counts[i + 1]) - (ownedPlaces[sectionId] or 0)
    if allowedPlaces ~= nil then surplus = math.min(surplus, allowedPlaces) end
    if surplus > 0 then
      if writing then addCount(countsKey, sectionId, 'held', -surplus) end
      freed = freed + surplus
    end
  end
end

if writing then
  for _, holdId in ipairs(stale) do redis.call('ZREM', expiringKey, holdId) end
end
return { 'ok', freed, writing and #stale or 0 }
