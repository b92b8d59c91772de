--[[
  One claim round for one consumer, in one round trip:
  1. promotes due retries back to their organization's waiting jobs,
  2. when asked, takes over entries idle past the lease (XAUTOCLAIM); an entry delivered more
     than maxDeliveries times goes to the dead-letter stream instead,
  3. stream by stream in the given order, until `max` are taken: moves waiting jobs into the stream
     round-robin between organizations (the ring's first organization gives its oldest job and goes
     to the back, so a backlog of one delays another's job by at most one job per turn) and reads
     them (XREADGROUP).
  Keys derived from a stream key S: S..':ring' (LIST of organizations with waiting jobs, each once),
  S..':wait:'..org (LIST of that organization's waiting message JSON, oldest first).
  Missing streams or groups (a fresh or flushed Redis) are created on the spot.
  KEYS[1] retries sorted set
  KEYS[2] dead-letter stream
  KEYS[3] wake stream (publishes add to it)
  KEYS[4..35] job streams in canonical order (keys.ts)
  ARGV[1] consumer group
  ARGV[2] consumer name
  ARGV[3] max deliveries to return
  ARGV[4] lease in ms
  ARGV[5] max deliveries of one entry
  ARGV[6] "1" to take over idle entries this round
  ARGV[7] retries to promote at most
  ARGV[8] dead-letter stream max length (approximate)
  ARGV[9] n, the number of streams to read
  ARGV[10..9+n] indexes (1-based, into KEYS[4..]) of the streams to read, in order
  Returns { deliveries, wakeId, nextRetryDueMs, deadLettered, nowMs } where deliveries is flat
  (stream, id, message JSON, delivery count)*, wakeId is the wake stream's newest id ("0-0" when
  empty; for the caller's blocking wake-up read), nextRetryDueMs is -1 when no retry is
  scheduled; nowMs is the server clock.
]]
local group, consumer = ARGV[1], ARGV[2]
local remaining = tonumber(ARGV[3])
local leaseMs, maxDeliveries = ARGV[4], tonumber(ARGV[5])
local n = tonumber(ARGV[9])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)

local isJobStream = {}
for i = 4, #KEYS do isJobStream[KEYS[i]] = true end
local function streamAt(i) return KEYS[3 + tonumber(ARGV[9 + i])] end

-- The organization of a message, as its fairness key: one shared key when it names none.
local function orgOf(json)
  local ok, m = pcall(cjson.decode, json)
  if ok and type(m) == 'table' and type(m.orgId) == 'string' and #m.orgId <= 100
    and string.match(m.orgId, '^[%w_.-]+$') then
    return m.orgId
  end
  return '_'
end

local function enqueue(stream, org, json)
  if redis.call('RPUSH', stream .. ':wait:' .. org, json) == 1 then
    redis.call('RPUSH', stream .. ':ring', org)
  end
end

-- Up to `count` waiting jobs of one stream, one per organization in ring order, into the stream.
local function moveFairly(stream, count)
  local ring = stream .. ':ring'
  local moved = 0
  while moved < count do
    local org = redis.call('LMOVE', ring, ring, 'LEFT', 'RIGHT')
    if not org then break end
    local waiting = stream .. ':wait:' .. org
    local json = redis.call('LPOP', waiting)
    if redis.call('LLEN', waiting) == 0 then redis.call('LREM', ring, -1, org) end
    if json then
      redis.call('XADD', stream, '*', 'm', json)
      moved = moved + 1
    end
  end
  return moved
end

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
      local json = string.sub(member, nl + 1)
      enqueue(key, orgOf(json), json)
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
    local key = streamAt(i)
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

-- 3. waiting jobs, fairly, read as new entries (entries an older version put in the stream first)
for i = 1, n do
  if remaining <= 0 then break end
  local key = streamAt(i)
  moveFairly(key, remaining)
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

local wakeId = '0-0'
if #deliveries == 0 then
  local last = redis.call('XREVRANGE', KEYS[3], '+', '-', 'COUNT', 1)
  wakeId = (last[1] and last[1][1]) or '0-0'
end

local nextDue = -1
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if first[2] then nextDue = tonumber(first[2]) end

return { deliveries, wakeId, nextDue, deadLettered, now }
