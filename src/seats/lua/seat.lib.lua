--[[
  Helpers shared by hold.lua, sell.lua, release.lua and swap.lua.
  seat.scripts.ts prepends this file to each of them before loading, so every
  script stays one self-contained EVAL (Redis scripts cannot include files).

  Only functions and constants: every key they touch is passed in by the
  calling script from its KEYS.

  Seat strings: the `seats` hash maps `<sectionId>/<row>` to one char per seat,
  '.' free, 'H' held, 'S' sold; seat n of the row is char n.
  Seat names: '<row>-<n>', e.g. 'A-12'; an allocation keeps them as a comma list.
]]

-- Released allocations stay this long so a late sell says 'released', not
-- 'unknown_hold' (Stripe retries webhooks for up to 3 days).
local TOMBSTONE_MS = 3 * 24 * 60 * 60 * 1000

-- Separates customer key and hold id in members of the holders set.
local HOLDER_SEPARATOR = '\0'

-- Seats of an allocation grouped by row field: { ['101/A'] = { 12, 13 } }.
local function seatsByRow(sectionId, csv)
  local rows = {}
  for seat in string.gmatch(csv, '[^,]+') do
    local row, n = string.match(seat, '^(.+)-(%d+)$')
    local field = sectionId .. '/' .. row
    rows[field] = rows[field] or {}
    table.insert(rows[field], tonumber(n))
  end
  return rows
end

-- Fails the script unless every seat is in state `mark`. Called before any
-- write: a script that errors half-way keeps the writes it already made.
local function assertSeats(seatsKey, byRow, mark)
  for field, nums in pairs(byRow) do
    local s = redis.call('HGET', seatsKey, field) or ''
    for _, n in ipairs(nums) do
      if string.sub(s, n, n) ~= mark then
        error({ err = 'ERR seat state: ' .. field .. ' seat ' .. n .. ' is not ' .. mark })
      end
    end
  end
end

-- Sets every seat to `mark`; re-reads each row, so two calls on one row compose.
local function setSeats(seatsKey, byRow, mark)
  for field, nums in pairs(byRow) do
    local s = redis.call('HGET', seatsKey, field)
    for _, n in ipairs(nums) do
      s = string.sub(s, 1, n - 1) .. mark .. string.sub(s, n + 1)
    end
    redis.call('HSET', seatsKey, field, s)
  end
end

local function addCount(countsKey, sectionId, kind, delta)
  redis.call('HINCRBY', countsKey, sectionId .. ':' .. kind, delta)
end

-- The fields the scripts decide on, or nil when the allocation does not exist.
local function readAlloc(allocKey)
  local v = redis.call('HMGET', allocKey, 'state', 'sectionId', 'seats', 'quantity',
    'customerKey', 'swappedInto', 'freedSectionId', 'freedSeats')
  if not v[1] then return nil end
  return {
    state = v[1], sectionId = v[2], seats = v[3], quantity = tonumber(v[4]),
    customerKey = v[5], swappedInto = v[6], freedSectionId = v[7], freedSeats = v[8],
  }
end

-- A held allocation leaves the expiry index and its customer's open holds.
local function forgetHold(expiringKey, holdersKey, holdId, customerKey)
  redis.call('ZREM', expiringKey, holdId)
  redis.call('ZREM', holdersKey, customerKey .. HOLDER_SEPARATOR .. holdId)
end

-- {'ok', already, ...head, <allocation as HGETALL pairs>}
local function okReply(allocKey, already, head)
  local reply = { 'ok', already }
  for _, v in ipairs(head or {}) do table.insert(reply, v) end
  for _, v in ipairs(redis.call('HGETALL', allocKey)) do table.insert(reply, v) end
  return reply
end

-- ---------------------------------------------------------------------------
