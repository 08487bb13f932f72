--[[
  Gives an order stored before pay links carried a secret a secret of its own, once.

  KEYS[1]  order hash      <prefix>order:{BX-7K2Q}
  ARGV[1]  a fresh secret (drawn by the caller from crypto randomness)

  Result: the order's secret: ARGV[1], or the one another read gave it first;
  nil when there is no such order.

  Why a script: HSETNX alone would create a one-field hash, a broken order,
  for an id whose order is not there; the check and the write are one step.
  Two readers racing both get the first secret written, never two.

  Cluster: every KEY is under the order's hash tag {<order id>} (order.store.ts),
  so an order, its timeline, causes and refunds change in one atomic step;
  indexes across orders (by customer, by event) are written apart.
]]
if redis.call('EXISTS', KEYS[1]) == 0 then
  return false
end
redis.call('HSETNX', KEYS[1], 'linkSecret', ARGV[1])
return redis.call('HGET', KEYS[1], 'linkSecret')
