--[[
  Ends a delivery by moving its job to the dead-letter stream.
  KEYS[1] job stream the delivery came from
  KEYS[2] dead-letter stream
  ARGV[1] consumer group
  ARGV[2] entry id
  ARGV[3] message JSON
  ARGV[4] errors JSON (array of {attempt, code, message, at})
  ARGV[5] dead-letter stream max length (approximate)
  Returns the dead-letter entry id.
]]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
return redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[5], '*',
  'm', ARGV[3], 'e', ARGV[4], 's', KEYS[1], 'r', 'failed', 'at', now)
