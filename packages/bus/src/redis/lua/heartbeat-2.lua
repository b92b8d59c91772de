--[[
  Records a node's heartbeat: a hash that expires after the TTL, plus an index for listing.
  KEYS[1] node hash
  KEYS[2] node index sorted set (score = expiry in ms)
  ARGV[1] TTL in ms
  ARGV[2] node id
  ARGV[3..] field, value pairs
  Returns the server time in ms.
]]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'lastSeenAt', now, unpack(ARGV, 3))
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[1]), ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
return now
