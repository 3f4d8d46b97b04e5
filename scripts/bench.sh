#!/usr/bin/env bash
# `make bench`: the session layer (in one process, SQLite) and the fleet targets (server
# processes on PostgreSQL, measured from outside). Release builds; compare ratios, not absolute
# numbers, on a shared machine.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/postgres.sh
trap stop_postgres EXIT
ensure_postgres
cargo bench --locked -p server --bench session
cargo bench --locked -p server --bench fleet
