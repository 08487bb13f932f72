--[[
  Counts one inbound message from a sender, in a window that starts with the
  sender's first message and lasts ARGV[1] ms.

  KEYS[1]  the sender's counter   <prefix>rate:sender:<customer key>
  ARGV[1]  the window's length in milliseconds

  Result: the number of messages in the current window, this one included.

  INCR and PEXPIRE must be one step: a counter created without its expiry
  (a crash or a lost connection in between) would never reset, and the
  sender would be silenced for good. A script also works where
  PEXPIRE ... NX (Redis 7) does not.

  Cluster: one key, so one slot.
]]
local count = redis.call('INCR', KEYS[1])
if count == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return count
