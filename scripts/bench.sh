#!/usr/bin/env bash
# `make bench`: the session layer (in one process, SQLite), the fleet targets (server
# processes on PostgreSQL, measured from outside) and time to dashboard on a phone (Chromium). Release builds; compare ratios, not absolute
# numbers, on a shared machine.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/postgres.sh
trap stop_postgres EXIT
ensure_postgres
# wrk, the load generator of the `http` bench (Debian's).
if ! command -v wrk >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get install -y -q wrk
fi
cargo bench --locked -p server --bench session
cargo bench --locked -p server --bench http
cargo bench --locked -p server --bench fleet
# Time to dashboard on a phone (real Chromium over CDP): the release server and dist/.
make --no-print-directory frontend server-release
node end2end/bench/phone.mjs
