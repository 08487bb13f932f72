--[[
  Claims an order id and writes the new order in one step.

  KEYS[1]  order hash      <prefix>order:{BX-7K2Q}
  KEYS[2]  timeline list   <prefix>order:{BX-7K2Q}:timeline
  ARGV[1]  first timeline entry, JSON (built by the caller)
  ARGV[2..] field, value, field, value, ... for the order hash

  Result: 1 = the id was free and the order is written; 0 = the id is taken,
  nothing written (the caller draws another id).

  Why a script and not SET NX + HSET: the check and the writes must be one
  step, or two creators drawing the same id could both see it free and merge
  their orders into one hash. Redis runs a script without interleaving any
  other command, and both keys share the {id} hash tag so this also holds on
  Redis Cluster.

  Cluster: every KEY is under the order's hash tag {<order id>} (order.store.ts),
  so an order, its timeline, causes and refunds change in one atomic step;
  indexes across orders (by customer, by event) are written apart.
]]
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('RPUSH', KEYS[2], ARGV[1])
return 1
