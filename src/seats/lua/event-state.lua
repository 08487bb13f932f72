--[[
  Reads an event's seat counts and seat maps together, for inventory.

  Input:
    KEYS[1] counts    hash <sectionId>:held / <sectionId>:sold
    KEYS[2] seats     hash <sectionId> -> seat map, <sectionId>#layout -> its layout

  Output:
    {<counts as field, value pairs>, <seats as field, value pairs>}

  Concurrency: one script is one step, so the counts and the maps come from
  the same moment, as a MULTI would give them. Unlike a MULTI it is a single
  command, which rides the connection's auto-pipeline with everything else
  instead of a socket write of its own: inventory is read on every turn that
  cannot be seated, which during an on-sale rush is most of them.

  Cluster: every KEY is under the event's hash tag {ev:<eventId>} (seat.keys.ts),
  so the seats, counters and allocations one step changes share a slot: that is
  what makes a hold or a sale one atomic step on Redis Cluster too.
]]

return { redis.call('HGETALL', KEYS[1]), redis.call('HGETALL', KEYS[2]) }
