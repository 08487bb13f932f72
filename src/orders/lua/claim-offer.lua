--[[
  Makes an upgrade offer the one open offer of its order, unless another is.

  KEYS[1]  order hash   <prefix>order:{BX-7K2Q}   field openOffer = the offer id
  ARGV[1]  the offer id claiming, e.g. "UP-9HMX"
  ARGV[2]  an offer id the caller found ended (its claim may be taken over), or ""

  Result: 1 = claimed (or already this offer's); 0 = another offer is open;
  -1 = no such order.

  A claim is never cleared when an offer ends: the next offer replaces it
  after reading that it ended (ARGV[2]). So a crash can never leave an order
  blocked, and two offers racing for one order cannot both win: the check and
  the write are one script.

  Cluster: every KEY is under the order's hash tag {<order id>} (order.store.ts),
  so an order, its timeline, causes and refunds change in one atomic step;
  indexes across orders (by customer, by event) are written apart.
]]
local orderKey = KEYS[1]
local offerId, replacing = ARGV[1], ARGV[2]

if redis.call('EXISTS', orderKey) == 0 then
  return -1
end
local current = redis.call('HGET', orderKey, 'openOffer')
if current and current ~= '' and current ~= offerId and current ~= replacing then
  return 0
end
redis.call('HSET', orderKey, 'openOffer', offerId)
return 1
