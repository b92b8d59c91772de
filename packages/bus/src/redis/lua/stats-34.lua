--[[
  Counts for the admin page and tests.
  KEYS[1] retries sorted set
  KEYS[2] dead-letter stream
  KEYS[3..34] job streams in canonical order (keys.ts); each stream S has its waiting jobs in
  S..':wait:'..org for every org in the list S..':ring' (see publish-3.lua)
  ARGV[1] consumer group
  Returns { dead letters, scheduled retries, then per stream: depth (waiting + in the stream),
  pending, organizations with waiting jobs }.
]]
local out = { redis.call('XLEN', KEYS[2]), redis.call('ZCARD', KEYS[1]) }
for i = 3, #KEYS do
  local orgs = redis.call('LRANGE', KEYS[i] .. ':ring', 0, -1)
  local waiting = 0
  for _, org in ipairs(orgs) do waiting = waiting + redis.call('LLEN', KEYS[i] .. ':wait:' .. org) end
  table.insert(out, redis.call('XLEN', KEYS[i]) + waiting)
  local summary = redis.pcall('XPENDING', KEYS[i], ARGV[1])
  if type(summary) == 'table' and summary.err == nil then
    table.insert(out, summary[1])
  else
    table.insert(out, 0)
  end
  table.insert(out, #orgs)
end
return out
