--[[
  Acknowledges deliveries of one stream and deletes their entries, so XLEN stays the real depth.
  KEYS[1] job stream
  ARGV[1] consumer group
  ARGV[2..] entry ids
  Returns how many entries were still pending.
]]
local ids = { unpack(ARGV, 2) }
local acked = redis.call('XACK', KEYS[1], ARGV[1], unpack(ids))
redis.call('XDEL', KEYS[1], unpack(ids))
return acked
