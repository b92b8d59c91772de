--[[
  Moves one dead letter back to its organization's waiting jobs, once: a second call for the same
  id does nothing.
  KEYS[1] dead-letter stream
  KEYS[2] target job stream S (the job waits in S..':wait:'..org, see publish-3.lua)
  KEYS[3] dedupe sorted set (member "<jobId>:<attempt>", score = expiry in ms)
  KEYS[4] wake stream
  ARGV[1] dead-letter entry id
  ARGV[2] new message JSON
  ARGV[3] dedupe member of the new message
  ARGV[4] dedupe TTL in ms
  ARGV[5] organization key
  Returns 1, or false when the dead letter is gone.
]]
if #redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1]) == 0 then
  return false
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if redis.call('RPUSH', KEYS[2] .. ':wait:' .. ARGV[5], ARGV[2]) == 1 then
  redis.call('RPUSH', KEYS[2] .. ':ring', ARGV[5])
end
redis.call('XDEL', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[3], now + tonumber(ARGV[4]), ARGV[3])
redis.call('XADD', KEYS[4], 'MAXLEN', '~', 10, '*', 'w', '1')
return 1
