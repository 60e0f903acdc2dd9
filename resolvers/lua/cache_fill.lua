-- Store a cached value, unless it was invalidated while the caller was loading it.
--
-- The caller read the generation (ARGV[1], "" when there was none), loaded the value from
-- the database and now stores it. If a writer bumped the generation in between, the value
-- may predate that write: storing it would serve a stale value after the invalidation,
-- so it is dropped instead.
--
-- KEYS[1]  generation key
-- KEYS[2]  value key
-- ARGV[1]  generation the caller saw before loading ("" if none)
-- ARGV[2]  fresh generation to create when there is none (random, never reused)
-- ARGV[3]  value
-- ARGV[4]  value TTL, seconds
-- ARGV[5]  generation TTL, seconds
-- Returns 1 when stored, 0 when dropped.
local current = redis.call("GET", KEYS[1])
if not current then
  if ARGV[1] ~= "" then
    return 0 -- it existed when the caller looked: something changed since
  end
  redis.call("SET", KEYS[1], ARGV[2], "EX", ARGV[5])
  current = ARGV[2]
elseif current ~= ARGV[1] then
  return 0
else
  redis.call("EXPIRE", KEYS[1], ARGV[5])
end
redis.call("SET", KEYS[2], current .. "|" .. ARGV[3], "EX", ARGV[4])
return 1
