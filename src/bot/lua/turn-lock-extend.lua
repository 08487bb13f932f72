--[[
  Extends a turn lock while its holder is still running the turn.

  KEYS[1]  the lock      <prefix><conversation key>
  ARGV[1]  the holder's random token
  ARGV[2]  new time to live in milliseconds

  Result: 1 = extended; 0 = not ours any more (it expired first).

  Compare and extend in one step, for the same reason as the release.

  Cluster: one key, so one slot.
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
