--[[
  Replaces a refund record, only from the statuses the caller names: a late
  "Stripe accepted it" from the web process must not undo the worker's
  "succeeded", and a rejection must not overwrite a confirmation.

  KEYS[1]  refunds hash    <prefix>order:{BX-7K2Q}:refunds
  ARGV[1]  refund id
  ARGV[2]  the new record, JSON built by the caller
  ARGV[3]  the statuses it may replace, space separated and padded: " requested "

  Result: { 1, <new record> } written; { 0, <current record or ""> } not written.

  Cluster: every KEY is under the order's hash tag {<order id>} (order.store.ts),
  so an order, its timeline, causes and refunds change in one atomic step;
  indexes across orders (by customer, by event) are written apart.
]]
local refundsKey = KEYS[1]
local refundId, record, allowedFrom = ARGV[1], ARGV[2], ARGV[3]

local current = redis.call('HGET', refundsKey, refundId)
if not current then
  return { 0, '' }
end
local status = cjson.decode(current).status
if not string.find(allowedFrom, ' ' .. tostring(status) .. ' ', 1, true) then
  return { 0, current }
end
redis.call('HSET', refundsKey, refundId, record)
return { 1, record }
