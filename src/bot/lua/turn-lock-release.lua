--[[
  Releases a turn lock, but only for the holder that took it.

  KEYS[1]  the lock      <prefix><conversation key>
  ARGV[1]  the holder's random token (SET NX PX value)

  Result: 1 = released; 0 = not ours any more (it expired and another
  process took it), left alone.

  GET and DEL must be one step: a plain DEL after a GET could delete a lock
  that expired in between and now belongs to another process.

  Cluster: one key, so one slot.
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
