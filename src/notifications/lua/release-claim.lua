--[[
  Releases a claim to send a notice, if it is still the caller's.

  KEYS[1]  the claim     <prefix>order:{BX-7K2Q}:sending:<cause>
  ARGV[1]  the caller's token

  Result: 1 when released, 0 when the claim had expired or another run holds it now.

  Why a script: reading the token and deleting the key must be one step, or a
  run whose claim expired could delete the claim of the run after it.
  Cluster: one key.
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
