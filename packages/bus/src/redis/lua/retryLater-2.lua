--[[
  Ends a delivery and schedules its next attempt; the claim script promotes it when due.
  KEYS[1] job stream the delivery came from
  KEYS[2] retries sorted set (score = due time in ms, member = "<target stream>\n<message JSON>")
  ARGV[1] consumer group
  ARGV[2] entry id
  ARGV[3] delay in ms
  ARGV[4] retry member
  Returns the due time in ms (server clock).
]]
local t = redis.call('TIME')
local due = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[3])
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], due, ARGV[4])
return due
