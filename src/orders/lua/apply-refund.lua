--[[
  Applies a refund Stripe has confirmed: voids its tickets, adds its amount,
  records it on the timeline, marks the refund record succeeded, and when
  nothing paid for is left moves the order to `refunded`. Once per refund id.

  KEYS[1]  order hash      <prefix>order:{BX-7K2Q}
  KEYS[2]  timeline list   <prefix>order:{BX-7K2Q}:timeline
  KEYS[3]  causes set      <prefix>order:{BX-7K2Q}:causes   "refund|<refund id>" once applied
  KEYS[4]  refunds hash    <prefix>order:{BX-7K2Q}:refunds
  ARGV[1]  refund id
  ARGV[2]  now, ISO 8601
  ARGV[3]  amount refunded, minor units (Stripe's figure)
  ARGV[4]  cause for the timeline, e.g. "refund:RF-7K2QXH9M3A"
  ARGV[5]  note for the timeline
  ARGV[6]  the refund record with status "succeeded", JSON built by the caller
  ARGV[7..] the ticket codes it voids (letters, digits and '-' only)

  Result: { outcome, hash as HGETALL pairs, timeline entries } where outcome is
  'applied' | 'duplicate' (this refund was applied before) | 'illegal' (the
  order is neither paid nor fulfilled) | 'conflict' (a ticket is not the
  order's or is already void); or { 'unknown_order' }.

  The order ends `refunded` when every ticket is void, or at once for an order
  that was paid but never issued tickets. Reading the state, the voided
  tickets and the causes and writing them is one step, so two confirmations
  racing (two refunds, or one delivered twice) each see the other's result.

  refundedTickets is a JSON array in the hash. It is rebuilt here by joining
  quoted codes rather than with cjson.encode, which would turn an empty table
  into {}; the codes are checked to need no escaping.

  Cluster: every KEY is under the order's hash tag {<order id>} (order.store.ts),
  so an order, its timeline, causes and refunds change in one atomic step;
  indexes across orders (by customer, by event) are written apart.
]]
local orderKey, timelineKey, causesKey, refundsKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local refundId, now, amount, cause, note, record = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5], ARGV[6]

local function snapshot(outcome)
  return { outcome, redis.call('HGETALL', orderKey), redis.call('LRANGE', timelineKey, 0, -1) }
end

local state = redis.call('HGET', orderKey, 'state')
if not state then
  return { 'unknown_order' }
end
if redis.call('SISMEMBER', causesKey, 'refund|' .. refundId) == 1 then
  return snapshot('duplicate')
end
if state ~= 'paid' and state ~= 'fulfilled' then
  return snapshot('illegal')
end

local issued = cjson.decode(redis.call('HGET', orderKey, 'tickets') or '[]')
local isIssued, voided, list = {}, {}, {}
for _, ticket in ipairs(issued) do isIssued[ticket] = true end
for _, ticket in ipairs(cjson.decode(redis.call('HGET', orderKey, 'refundedTickets') or '[]')) do
  voided[ticket] = true
  table.insert(list, '"' .. ticket .. '"')
end
for i = 7, #ARGV do
  local ticket = ARGV[i]
  if not isIssued[ticket] or voided[ticket] or not string.match(ticket, '^[%w%-]+$') then
    return snapshot('conflict')
  end
  voided[ticket] = true
  table.insert(list, '"' .. ticket .. '"')
end

local refundedAmount = (tonumber(redis.call('HGET', orderKey, 'refundedAmount')) or 0) + amount
local final = #issued == 0 or #list >= #issued
local entry = { at = now, cause = cause, note = note }
redis.call('HSET', orderKey, 'refundedTickets', '[' .. table.concat(list, ',') .. ']',
  'refundedAmount', tostring(refundedAmount), 'updatedAt', now)
if final then
  entry.from = state
  entry.to = 'refunded'
  redis.call('HSET', orderKey, 'state', 'refunded')
  redis.call('SADD', causesKey, 'refunded|' .. cause)
end
redis.call('RPUSH', timelineKey, cjson.encode(entry))
redis.call('SADD', causesKey, 'refund|' .. refundId)
redis.call('HSET', refundsKey, refundId, record)
return snapshot('applied')
