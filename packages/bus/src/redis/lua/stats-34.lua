--[[
  Counts for the admin page and tests.
  KEYS[1] retries sorted set
  KEYS[2] dead-letter stream
  KEYS[3..34] job streams in canonical order (keys.ts)
  ARGV[1] consumer group
  Returns { dead letters, scheduled retries, then per stream: XLEN, pending }.
]]
local out = { redis.call('XLEN', KEYS[2]), redis.call('ZCARD', KEYS[1]) }
for i = 3, #KEYS do
  table.insert(out, redis.call('XLEN', KEYS[i]))
  local summary = redis.pcall('XPENDING', KEYS[i], ARGV[1])
  if type(summary) == 'table' and summary.err == nil then
    table.insert(out, summary[1])
  else
    table.insert(out, 0)
  end
end
return out
