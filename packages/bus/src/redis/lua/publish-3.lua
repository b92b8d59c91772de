--[[
  Queues jobs of one stream (class + tier), skipping any jobId + attempt already published within
  the dedupe TTL. A job waits in its organization's list in front of the stream; the claim script
  moves it into the stream when the organization's turn comes (see claim-35.lua).
  Keys derived from KEYS[1] = S: S..':wait:'..org (LIST of message JSON), S..':ring' (LIST of the
  organizations that have waiting jobs, each once).
  KEYS[1] job stream (class + tier)
  KEYS[2] dedupe sorted set (member "<jobId>:<attempt>", score = expiry in ms)
  KEYS[3] wake stream (an entry wakes waiting claims)
  ARGV[1] dedupe TTL in ms
  ARGV[2..] triples of dedupe member, organization key, message JSON
  Returns one element per message: 1 when queued, false for a double publish (nothing written).
]]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local expires = now + tonumber(ARGV[1])
local out = {}
local queued = 0
for i = 2, #ARGV, 3 do
  if redis.call('ZSCORE', KEYS[2], ARGV[i]) then
    out[#out + 1] = false
  else
    redis.call('ZADD', KEYS[2], expires, ARGV[i])
    local org = ARGV[i + 1]
    if redis.call('RPUSH', KEYS[1] .. ':wait:' .. org, ARGV[i + 2]) == 1 then
      redis.call('RPUSH', KEYS[1] .. ':ring', org)
    end
    out[#out + 1] = 1
    queued = queued + 1
  end
end
if queued > 0 then redis.call('XADD', KEYS[3], 'MAXLEN', '~', 10, '*', 'w', '1') end
return out
