#!/usr/bin/env bash
# The browser build must not contain server crates: secrets, database and network code stay
# behind the `ssr` feature.
set -euo pipefail
cd "$(dirname "$0")/.."
tree="$(cargo tree --locked -p frontend --target wasm32-unknown-unknown -e normal --prefix none)"
bad="$(grep -E '^(sea-orm|sqlx|bcrypt|jsonwebtoken|tokio|axum|leptos_axum|hyper) ' <<<"$tree" | sort -u || true)"
if [ -n "$bad" ]; then
  echo "error: the WASM build pulls in server crates:"
  echo "$bad"
  exit 1
fi
echo "the WASM dependency tree has no server crates"
