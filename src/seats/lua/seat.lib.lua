--[[
  Helpers shared by hold.lua, sell.lua, release.lua, swap.lua and return.lua.
  seat.scripts.ts prepends this file to each of them before loading, so every
  script stays one self-contained EVALSHA (Redis scripts cannot include files).
  Only functions and constants: every key they touch is passed in by the
  calling script from its KEYS.

  Seat map of a seated section: one string in the `seats` hash, field
  <sectionId>, rows best first, each row '|<name>:' then one char per seat,
  '.' free, 'H' held, 'S' sold: e.g. '|A:HH..SS|B:......'.
  Seat n of row A is the n-th char after '|A:'. One string per section keeps
  a hold to one small read and one write, whatever the number of rows.
  Seat names: '<row>-<n>', e.g. 'A-12'; an allocation keeps them as a comma list.
]]

-- Released allocations stay this long so a late sell says 'released', not
-- 'unknown_hold' (Stripe retries webhooks for up to 3 days).
local TOMBSTONE_MS = 3 * 24 * 60 * 60 * 1000

-- Separates customer key and hold id in members of the holders set.
local HOLDER_SEPARATOR = '\0'

-- Positions in the seat map of a comma list of seat names; 0 for a seat the map lacks.
local function seatPositions(map, csv)
  local positions = {}
  for seat in string.gmatch(csv, '[^,]+') do
    local row, n = string.match(seat, '^(.+)-(%d+)$')
    local _, headerEnd = string.find(map, '|' .. row .. ':', 1, true)
    table.insert(positions, headerEnd and headerEnd + tonumber(n) or 0)
  end
  return positions
end

-- Fails the script unless every seat is in state `mark`. Called before any
-- write: a script that errors half-way keeps the writes it already made.
local function assertSeats(map, positions, mark, sectionId)
  for _, p in ipairs(positions) do
    if p == 0 or string.sub(map, p, p) ~= mark then
      error({ err = 'ERR seat state: section ' .. sectionId .. ' position ' .. p .. ' is not ' .. mark })
    end
  end
end

local function markSeats(map, positions, mark)
  for _, p in ipairs(positions) do
    map = string.sub(map, 1, p - 1) .. mark .. string.sub(map, p + 1)
  end
  return map
end

local function addCount(countsKey, sectionId, kind, delta)
  redis.call('HINCRBY', countsKey, sectionId .. ':' .. kind, delta)
end

-- The allocation as a table of its fields, or nil when it does not exist.
local function readAlloc(allocKey)
  local flat = redis.call('HGETALL', allocKey)
  if #flat == 0 then return nil end
  local alloc = {}
  for i = 1, #flat, 2 do alloc[flat[i]] = flat[i + 1] end
  return alloc
end

-- Writes field/value pairs to the allocation and to its table.
local function updateAlloc(allocKey, alloc, changes)
  redis.call('HSET', allocKey, unpack(changes))
  for i = 1, #changes, 2 do alloc[changes[i]] = changes[i + 1] end
end

-- A held allocation leaves the expiry index and its customer's open holds.
local function forgetHold(expiringKey, holdersKey, holdId, customerKey)
  redis.call('ZREM', expiringKey, holdId)
  redis.call('ZREM', holdersKey, customerKey .. HOLDER_SEPARATOR .. holdId)
end

-- {'ok', already, ...head, field, value, field, value, ...}
local function okReply(alloc, already, head)
  local reply = { 'ok', already }
  for _, v in ipairs(head or {}) do table.insert(reply, v) end
  for field, value in pairs(alloc) do
    table.insert(reply, field)
    table.insert(reply, tostring(value))
  end
  return reply
end

-- ---------------------------------------------------------------------------
