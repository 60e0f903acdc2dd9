-- Token bucket rate limiter.
--
-- KEYS[1]  hash holding the bucket: `tokens` (float) and `ts` (ms of the last refill)
-- ARGV[1]  capacity: most tokens the bucket holds (the burst)
-- ARGV[2]  refill rate in tokens per second
-- ARGV[3]  cost of this call: 1 to take a token, 0 to only ask whether one is there
--
-- Returns  {allowed (1|0), retry_after_ms, tokens_left_floor}
--
-- Time comes from the Redis server, so web processes with skewed clocks agree.
-- Validation happens before the only write, so an error never leaves a half update.

local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
if not capacity or not rate or not cost or capacity <= 0 or rate <= 0 or cost < 0 then
  return redis.error_reply('token_bucket: bad arguments')
end

local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000 + math.floor(tonumber(now_parts[2]) / 1000)

local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or capacity
local ts = tonumber(state[2]) or now
if now > ts then
  tokens = math.min(capacity, tokens + (now - ts) * rate / 1000)
end

local needed = math.max(cost, 1)
if tokens < needed then
  local retry_ms = math.ceil((needed - tokens) * 1000 / rate)
  return {0, retry_ms, math.floor(tokens)}
end

if cost > 0 then
  tokens = tokens - cost
  redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
  -- Forget the bucket once it would be full again.
  redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) * 1000 / rate) + 1000)
end
return {1, 0, math.floor(tokens)}
