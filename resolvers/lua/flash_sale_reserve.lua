-- Flash sale purchase gate: the one Redis call of a purchase attempt.
--
-- Checks the shopper's and the address's rate limits, the sale window (Redis server time,
-- so no client or web-process clock matters), the stock and the shopper's limit; then
-- takes the units and records the reservation. Every check and every read happens before
-- the first write, and nothing after the first write can fail, so an attempt either
-- changes nothing or does all of it (a Lua error after a write would not roll back).
--
-- KEYS[1]  meta hash: epoch, starts_ms, ends_ms, limit, offered, reserved, sold,
--          returned, open ('1' while purchases are accepted)
-- KEYS[2]  list of free unit numbers (its length is the stock left)
-- KEYS[3]  buyers hash: user id -> units held (reserved + sold)
-- KEYS[4]  reservations hash: token -> JSON record
--          {s = 'R'|'C'|'X', u = user, q = quantity, c = created_ms, e = expires_ms, n = {units}}
-- KEYS[5]  the shopper's token bucket (hash: tokens, ts)
-- KEYS[6]  the client address's token bucket (hash: tokens, ts)
-- ARGV[1]  user id
-- ARGV[2]  quantity (1..)
-- ARGV[3]  reservation token, unique, chosen by the caller
-- ARGV[4]  hold in ms: how long the reservation waits for payment
-- ARGV[5]  shopper bucket capacity     ARGV[6]  shopper refill per second
-- ARGV[7]  address bucket capacity     ARGV[8]  address refill per second
--
-- Returns one of
--   {'OK', epoch, now_ms, expires_ms, unit, unit, ...}
--   {'MISSING'}                     the sale is not in Redis: never warmed, or lost
--   {'RATE_LIMITED', retry_ms}
--   {'NOT_STARTED', ms_until_start}
--   {'ENDED'}                       over, cancelled, or closed
--   {'SOLD_OUT', units_left}        fewer units left than asked for (0: none at all)
--   {'LIMIT_REACHED', units_held, limit}
--   {'DUPLICATE'}                   the token was used before

local user = ARGV[1]
local quantity = tonumber(ARGV[2])
local token = ARGV[3]
local hold_ms = tonumber(ARGV[4])
local user_capacity, user_rate = tonumber(ARGV[5]), tonumber(ARGV[6])
local ip_capacity, ip_rate = tonumber(ARGV[7]), tonumber(ARGV[8])
if user == '' or token == '' or not quantity or quantity < 1 or not hold_ms
    or not user_capacity or not user_rate or not ip_capacity or not ip_rate
    or user_capacity <= 0 or user_rate <= 0 or ip_capacity <= 0 or ip_rate <= 0 then
  return redis.error_reply('flash_sale_reserve: bad arguments')
end

local meta = redis.call('HMGET', KEYS[1], 'epoch', 'open', 'starts_ms', 'ends_ms', 'limit')
local epoch = meta[1]
if not epoch then
  return {'MISSING'}
end

local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)

-- Token buckets (the algorithm of token_bucket.lua, inlined: one call per attempt).
local function tokens_in(key, capacity, rate)
  local state = redis.call('HMGET', key, 'tokens', 'ts')
  local tokens = tonumber(state[1]) or capacity
  local ts = tonumber(state[2]) or now
  if now > ts then
    tokens = math.min(capacity, tokens + (now - ts) * rate / 1000)
  end
  return tokens
end
local user_tokens = tokens_in(KEYS[5], user_capacity, user_rate)
local ip_tokens = tokens_in(KEYS[6], ip_capacity, ip_rate)
if user_tokens < 1 or ip_tokens < 1 then
  local wait = 0
  if user_tokens < 1 then wait = math.max(wait, (1 - user_tokens) * 1000 / user_rate) end
  if ip_tokens < 1 then wait = math.max(wait, (1 - ip_tokens) * 1000 / ip_rate) end
  return {'RATE_LIMITED', math.ceil(wait)}
end

-- Decide (reads only).
local verdict
if meta[2] ~= '1' then
  verdict = {'ENDED'}
elseif now < tonumber(meta[3]) then
  verdict = {'NOT_STARTED', tonumber(meta[3]) - now}
elseif now >= tonumber(meta[4]) then
  verdict = {'ENDED'}
else
  local left = redis.call('LLEN', KEYS[2])
  local held = tonumber(redis.call('HGET', KEYS[3], user)) or 0
  local limit = tonumber(meta[5])
  if left == 0 then
    verdict = {'SOLD_OUT', 0}
  elseif held + quantity > limit then
    verdict = {'LIMIT_REACHED', held, limit}
  elseif left < quantity then
    verdict = {'SOLD_OUT', left}
  elseif redis.call('HEXISTS', KEYS[4], token) == 1 then
    verdict = {'DUPLICATE'}
  end
end

-- Write: the attempt spends a token from both buckets, whatever the verdict.
local function spend(key, tokens, capacity, rate)
  tokens = tokens - 1
  redis.call('HSET', KEYS[key], 'tokens', tostring(tokens), 'ts', tostring(now))
  redis.call('PEXPIRE', KEYS[key], math.ceil((capacity - tokens) * 1000 / rate) + 1000)
end
spend(5, user_tokens, user_capacity, user_rate)
spend(6, ip_tokens, ip_capacity, ip_rate)
if verdict then
  return verdict
end

local units = redis.call('LPOP', KEYS[2], quantity)
local expires = now + hold_ms
redis.call('HINCRBY', KEYS[3], user, quantity)
redis.call('HINCRBY', KEYS[1], 'reserved', quantity)
redis.call('HSET', KEYS[4], token,
  cjson.encode({s = 'R', u = user, q = quantity, c = now, e = expires, n = units}))
local reply = {'OK', epoch, now, expires}
for i = 1, #units do
  reply[#reply + 1] = units[i]
end
return reply
