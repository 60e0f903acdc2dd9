-- Release a flash sale reservation (never paid): its units are free again.
--
-- Exactly once: the record's status goes R -> X here and nowhere else, so a repeated call
-- puts nothing back twice. While the sale runs the units go back on the free list (and
-- can be bought again); once it is settled they count as returned to the SKU, as
-- PostgreSQL did. PostgreSQL releases first; this mirrors it.
--
-- KEYS[1]  meta hash (see flash_sale_reserve.lua)
-- KEYS[2]  list of free unit numbers
-- KEYS[3]  buyers hash: user id -> units held
-- KEYS[4]  reservations hash: token -> JSON record
-- ARGV[1]  reservation token
--
-- Returns {'OK'}, {'ALREADY'} (released before), {'CONFIRMED'} (sold: nothing to give
-- back), or {'MISSING'} (the sale or the token is not in Redis).

local token = ARGV[1]
if not token or token == '' then
  return redis.error_reply('flash_sale_release: bad arguments')
end
local settled = redis.call('HGET', KEYS[1], 'settled')
if not settled then
  return {'MISSING'}
end
local raw = redis.call('HGET', KEYS[4], token)
if not raw then
  return {'MISSING'}
end
local record = cjson.decode(raw)
if record.s == 'X' then
  return {'ALREADY'}
elseif record.s == 'C' then
  return {'CONFIRMED'}
end

record.s = 'X'
redis.call('HSET', KEYS[4], token, cjson.encode(record))
if redis.call('HINCRBY', KEYS[3], record.u, -record.q) <= 0 then
  redis.call('HDEL', KEYS[3], record.u)
end
redis.call('HINCRBY', KEYS[1], 'reserved', -record.q)
if settled == '1' then
  redis.call('HINCRBY', KEYS[1], 'returned', record.q)
else
  redis.call('RPUSH', KEYS[2], unpack(record.n))
end
return {'OK'}
