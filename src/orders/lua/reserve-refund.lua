--[[
  Records a refund request before Stripe is asked, at most one in flight per
  order, and only for tickets not refunded yet.

  KEYS[1]  order hash      <prefix>order:{BX-7K2Q}
  KEYS[2]  refunds hash    <prefix>order:{BX-7K2Q}:refunds   refund id -> record JSON
  ARGV[1]  refund id, e.g. "RF-7K2QXH9M3A"
  ARGV[2]  the record under that id as the caller read it, or "" for none
  ARGV[3]  the record to write (status "requested"), JSON built by the caller
  ARGV[4..] the ticket codes the refund voids (none for a ticketless order)

  Result: { 'ok' } written;
          { 'changed' } the record, or the order's refunded tickets, moved
                        since the caller read them: read again and re-plan;
          { 'busy', <other record JSON> } another refund of this order is
                        still waiting for Stripe;
          { 'not_refundable', <state> } the order is not paid (or already refunded);
          { 'unknown_order' }.

  Why one script: the check that no other refund is in flight and that none
  of these tickets is refunded, and the write, must be one step, or two staff
  requests (or a staff request and a confirmation) racing on one order could
  both pass and refund the same ticket twice. The keys share the order's {id}
  hash tag (Redis Cluster).

  Cluster: every KEY is under the order's hash tag {<order id>} (order.store.ts),
  so an order, its timeline, causes and refunds change in one atomic step;
  indexes across orders (by customer, by event) are written apart.
]]
local orderKey, refundsKey = KEYS[1], KEYS[2]
local refundId, expected, record = ARGV[1], ARGV[2], ARGV[3]

local state = redis.call('HGET', orderKey, 'state')
if not state then
  return { 'unknown_order' }
end
if state ~= 'paid' and state ~= 'fulfilled' then
  return { 'not_refundable', state }
end

local current = redis.call('HGET', refundsKey, refundId) or ''
if current ~= expected then
  return { 'changed' }
end

local all = redis.call('HGETALL', refundsKey)
for i = 1, #all, 2 do
  if all[i] ~= refundId and cjson.decode(all[i + 1]).status == 'requested' then
    return { 'busy', all[i + 1] }
  end
end

local refunded = {}
for _, ticket in ipairs(cjson.decode(redis.call('HGET', orderKey, 'refundedTickets') or '[]')) do
  refunded[ticket] = true
end
-- A ticket given away since the plan was made is the recipient's now: not ours to refund.
for _, ticket in ipairs(cjson.decode(redis.call('HGET', orderKey, 'transferredTickets') or '[]')) do
  refunded[ticket] = true
end
for i = 4, #ARGV do
  if refunded[ARGV[i]] then
    return { 'changed' }
  end
end

redis.call('HSET', refundsKey, refundId, record)
return { 'ok' }
