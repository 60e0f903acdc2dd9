-- Close a flash sale for good (it ended or was cancelled): no purchase is accepted any
-- more, and the free units count as returned to the SKU, as PostgreSQL did.
--
-- Idempotent: a second call finds it settled and changes nothing. Reservations still
-- open stay as they are; releasing one later returns its units too (flash_sale_release).
--
-- KEYS[1]  meta hash (see flash_sale_reserve.lua)
-- KEYS[2]  list of free unit numbers
--
-- Returns {'OK', units_returned}, {'ALREADY'}, or {'MISSING'} (the sale is not in Redis).

local settled = redis.call('HGET', KEYS[1], 'settled')
if not settled then
  return {'MISSING'}
elseif settled == '1' then
  return {'ALREADY'}
end

local left = redis.call('LLEN', KEYS[2])
redis.call('HSET', KEYS[1], 'open', '0', 'settled', '1')
redis.call('HINCRBY', KEYS[1], 'returned', left)
redis.call('DEL', KEYS[2])
return {'OK', left}
