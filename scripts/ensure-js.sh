#!/usr/bin/env bash
# The JavaScript the tests run (tests/js: the reference graphql-ws client, playwright-core).
# Exact versions in tests/js/package.json; no lock file is written (tests/js/.npmrc).
set -euo pipefail
cd "$(dirname "$0")/../tests/js"

if ! command -v npm >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Node.js and npm from Debian's packages for the JavaScript test clients"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  cat >&2 <<MSG
error: the tests need Node.js 20+ and npm (the reference graphql-ws client, playwright-core).
  Debian/Ubuntu: sudo apt-get install nodejs npm
MSG
  exit 1
fi

if ! npm install --no-package-lock --no-audit --no-fund --loglevel=error; then
  echo "error: npm could not install tests/js/package.json (is the npm registry reachable?)" >&2
  exit 1
fi
