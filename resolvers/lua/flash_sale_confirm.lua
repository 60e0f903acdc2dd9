-- Confirm a flash sale reservation (it was paid): its units move from reserved to sold.
--
-- Exactly once: the record's status goes R -> C here and nowhere else, so a repeated call
-- (a retried payment notification, the reconciler catching up) changes nothing.
-- PostgreSQL confirms first; this mirrors it.
--
-- KEYS[1]  meta hash (see flash_sale_reserve.lua)
-- KEYS[2]  reservations hash: token -> JSON record
-- ARGV[1]  reservation token
--
-- Returns {'OK'}, {'ALREADY'} (confirmed before), {'RELEASED'} (given back before: not
-- confirmable), or {'MISSING'} (the sale or the token is not in Redis).

local token = ARGV[1]
if not token or token == '' then
  return redis.error_reply('flash_sale_confirm: bad arguments')
end
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {'MISSING'}
end
local raw = redis.call('HGET', KEYS[2], token)
if not raw then
  return {'MISSING'}
end
local record = cjson.decode(raw)
if record.s == 'C' then
  return {'ALREADY'}
elseif record.s == 'X' then
  return {'RELEASED'}
end

record.s = 'C'
redis.call('HSET', KEYS[2], token, cjson.encode(record))
redis.call('HINCRBY', KEYS[1], 'reserved', -record.q)
redis.call('HINCRBY', KEYS[1], 'sold', record.q)
return {'OK'}
