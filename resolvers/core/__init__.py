"""Infrastructure every domain shares: database, Redis, keys, Lua scripts, errors, logs."""
