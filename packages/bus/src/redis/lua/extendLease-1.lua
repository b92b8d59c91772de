--[[
  Resets the idle time of a delivery, but only while the consumer still owns it.
  KEYS[1] job stream
  ARGV[1] consumer group
  ARGV[2] consumer name
  ARGV[3] entry id
  Returns 1 when extended, 0 when the entry was taken over, acked or deleted.
]]
local pending = redis.pcall('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1)
if type(pending) ~= 'table' or pending.err or not pending[1] or pending[1][2] ~= ARGV[2] then
  return 0
end
redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[3], 'JUSTID')
return 1
