--[[
  Moves one dead letter back into a job stream, once: a second call for the same id does nothing.
  KEYS[1] dead-letter stream
  KEYS[2] target job stream
  KEYS[3] dedupe sorted set (member "<jobId>:<attempt>", score = expiry in ms)
  ARGV[1] dead-letter entry id
  ARGV[2] new message JSON
  ARGV[3] dedupe member of the new message
  ARGV[4] dedupe TTL in ms
  Returns the new job entry id, or false when the dead letter is gone.
]]
if #redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1]) == 0 then
  return false
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local id = redis.call('XADD', KEYS[2], '*', 'm', ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[3], now + tonumber(ARGV[4]), ARGV[3])
return id
