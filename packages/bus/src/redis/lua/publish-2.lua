--[[
  Adds jobs to one stream, skipping any jobId + attempt already published within the dedupe TTL.
  KEYS[1] job stream (class + tier)
  KEYS[2] dedupe sorted set (member "<jobId>:<attempt>", score = expiry in ms)
  ARGV[1] dedupe TTL in ms
  ARGV[2..] pairs of dedupe member, message JSON
  Returns one element per message: the new entry id, or nil for a double publish (nothing written).
]]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local expires = now + tonumber(ARGV[1])
local out = {}
for i = 2, #ARGV, 2 do
  if redis.call('ZSCORE', KEYS[2], ARGV[i]) then
    out[#out + 1] = false
  else
    redis.call('ZADD', KEYS[2], expires, ARGV[i])
    out[#out + 1] = redis.call('XADD', KEYS[1], '*', 'm', ARGV[i + 1])
  end
end
return out
