#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (/usr/bin/chromium) with playwright-core.
# Missing: installed from Debian's packages when we are root with apt-get (a fresh CI or
# dev machine); otherwise fail with what to do. The browser tests are never skipped.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
  exit 0
fi

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian's chromium for the browser tests"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  [ -x "$CHROMIUM" ] && exit 0
fi

cat >&2 <<MSG
error: the browser tests need Debian's Chromium at $CHROMIUM, which is not installed.
  Debian/Ubuntu: sudo apt-get update && sudo apt-get install chromium
MSG
exit 1
