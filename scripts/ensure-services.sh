#!/usr/bin/env bash
# Make sure PostgreSQL and Redis answer before the tests run.
# Installed but stopped: start them. Missing: say how to get them and fail (never skip).
set -euo pipefail

PGHOST=${TEST_PG_HOST:-127.0.0.1}
PGPORT=${TEST_PG_PORT:-5432}
REDIS_HOST=${TEST_REDIS_HOST:-127.0.0.1}
REDIS_PORT=${TEST_REDIS_PORT:-6379}

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

wait_for() {  # name host port
  for _ in $(seq 1 50); do
    port_open "$2" "$3" && return 0
    sleep 0.2
  done
  echo "error: $1 did not come up on $2:$3" >&2
  return 1
}

if ! port_open "$PGHOST" "$PGPORT"; then
  if [ "$PGHOST" = 127.0.0.1 ] && command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    echo "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n1)" main start
    wait_for PostgreSQL "$PGHOST" "$PGPORT"
  else
    cat >&2 <<MSG
error: PostgreSQL is not answering on $PGHOST:$PGPORT and is not installed here.
  Debian/Ubuntu: sudo apt-get install postgresql   (trust or password auth for user postgres)
  Or point the tests at one: TEST_PG_HOST=... TEST_PG_PORT=... TEST_PG_USER=... make test
MSG
    exit 1
  fi
fi

if ! port_open "$REDIS_HOST" "$REDIS_PORT"; then
  if [ "$REDIS_HOST" = 127.0.0.1 ] && command -v redis-server >/dev/null 2>&1; then
    echo "starting Redis"
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" --appendonly no
    wait_for Redis "$REDIS_HOST" "$REDIS_PORT"
  else
    cat >&2 <<MSG
error: Redis is not answering on $REDIS_HOST:$REDIS_PORT and is not installed here.
  Debian/Ubuntu: sudo apt-get install redis-server
  Or point the tests at one: TEST_REDIS_HOST=... TEST_REDIS_PORT=... make test
MSG
    exit 1
  fi
fi
