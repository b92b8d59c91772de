--[[
  One claim round for one consumer, in one round trip:
  1. promotes due retries back into their streams,
  2. when asked, takes over entries idle past the lease (XAUTOCLAIM); an entry delivered more
     than maxDeliveries times goes to the dead-letter stream instead,
  3. reads new entries (XREADGROUP) stream by stream in the given order until `max` are taken.
  Missing streams or groups (a fresh or flushed Redis) are created on the spot.
  KEYS[1] retries sorted set
  KEYS[2] dead-letter stream
  KEYS[3..34] job streams in canonical order (keys.ts)
  ARGV[1] consumer group
  ARGV[2] consumer name
  ARGV[3] max deliveries to return
  ARGV[4] lease in ms
  ARGV[5] max deliveries of one entry
  ARGV[6] "1" to take over idle entries this round
  ARGV[7] retries to promote at most
  ARGV[8] dead-letter stream max length (approximate)
  ARGV[9] n, the number of streams to read
  ARGV[10..9+n] indexes (1-based, into KEYS[3..]) of the streams to read, in order
  Returns { deliveries, lastIds, nextRetryDueMs, deadLettered, nowMs } where deliveries is flat
  (stream, id, message JSON, delivery count)*, lastIds is the newest entry id per read stream
  ("0-0" when empty; only when nothing was delivered, for the caller's blocking wake-up read)
  and nextRetryDueMs is -1 when no retry is scheduled; nowMs is the server clock.
]]
local group, consumer = ARGV[1], ARGV[2]
local remaining = tonumber(ARGV[3])
local leaseMs, maxDeliveries = ARGV[4], tonumber(ARGV[5])
local n = tonumber(ARGV[9])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)

local isJobStream = {}
for i = 3, #KEYS do isJobStream[KEYS[i]] = true end

local function field(fields, name)
  for i = 1, #fields, 2 do
    if fields[i] == name then return fields[i + 1] end
  end
  return nil
end

local function ensureGroup(key)
  local res = redis.pcall('XGROUP', 'CREATE', key, group, '0', 'MKSTREAM')
  if type(res) == 'table' and res.err and not string.find(res.err, 'BUSYGROUP', 1, true) then
    error(res.err)
  end
end

-- 1. due retries
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[7]))
for _, member in ipairs(due) do
  local nl = string.find(member, '\n', 1, true)
  if nl then
    local key = string.sub(member, 1, nl - 1)
    if isJobStream[key] then
      redis.call('XADD', key, '*', 'm', string.sub(member, nl + 1))
    end
  end
  redis.call('ZREM', KEYS[1], member)
end

local deliveries = {}
local deadLettered = 0

local function deadLetter(key, id, m, count)
  local errors = {}
  local attempt = 1
  local ok, msg = pcall(cjson.decode, m)
  if ok and type(msg) == 'table' then
    attempt = tonumber(msg.attempt) or 1
    if type(msg.errors) == 'table' then errors = msg.errors end
  end
  table.insert(errors, {
    attempt = attempt,
    code = 'TIMEOUT',
    message = 'Delivered ' .. count .. ' times and never acknowledged within the lease; '
      .. 'the node running it probably crashed on it.',
    at = now,
  })
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[8], '*',
    'm', m, 'e', cjson.encode(errors), 's', key, 'r', 'delivery_limit', 'at', now)
  redis.call('XACK', key, group, id)
  redis.call('XDEL', key, id)
  deadLettered = deadLettered + 1
end

-- 2. idle entries of dead consumers
if ARGV[6] == '1' then
  for i = 1, n do
    if remaining <= 0 then break end
    local key = KEYS[2 + tonumber(ARGV[9 + i])]
    local res = redis.pcall('XAUTOCLAIM', key, group, consumer, leaseMs, '0-0', 'COUNT', remaining)
    if type(res) == 'table' and res.err == nil then
      for _, entry in ipairs(res[2]) do
        local id, fields = entry[1], entry[2]
        if fields then
          local pending = redis.call('XPENDING', key, group, id, id, 1)
          local count = (pending[1] and tonumber(pending[1][4])) or 1
          local m = field(fields, 'm') or '{}'
          if count > maxDeliveries then
            deadLetter(key, id, m, count)
          else
            table.insert(deliveries, key)
            table.insert(deliveries, id)
            table.insert(deliveries, m)
            table.insert(deliveries, count)
            remaining = remaining - 1
          end
        end
      end
    end
  end
end

-- 3. new entries
for i = 1, n do
  if remaining <= 0 then break end
  local key = KEYS[2 + tonumber(ARGV[9 + i])]
  local res = redis.pcall('XREADGROUP', 'GROUP', group, consumer, 'COUNT', remaining, 'STREAMS', key, '>')
  if type(res) == 'table' and res.err then
    if not string.find(res.err, 'NOGROUP', 1, true) then error(res.err) end
    ensureGroup(key)
    res = redis.call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', remaining, 'STREAMS', key, '>')
  end
  if res then
    for _, entry in ipairs(res[1][2]) do
      table.insert(deliveries, key)
      table.insert(deliveries, entry[1])
      table.insert(deliveries, field(entry[2], 'm') or '{}')
      table.insert(deliveries, 1)
      remaining = remaining - 1
    end
  end
end

local lastIds = {}
if #deliveries == 0 then
  for i = 1, n do
    local key = KEYS[2 + tonumber(ARGV[9 + i])]
    local last = redis.call('XREVRANGE', key, '+', '-', 'COUNT', 1)
    table.insert(lastIds, (last[1] and last[1][1]) or '0-0')
  end
end

local nextDue = -1
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if first[2] then nextDue = tonumber(first[2]) end

return { deliveries, lastIds, nextDue, deadLettered, now }
