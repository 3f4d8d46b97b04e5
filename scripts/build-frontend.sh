#!/usr/bin/env bash
# Builds the browser side into dist/ (release, wasm-opt, precompressed):
#   dist/          the full app (index.html): every page, Leptos
#   dist/signin/   the light first-load sign-in page (signin.html), served at / and /auth/signin
# The app goes first: Trunk empties its dist directory, and dist/signin lives inside it.
set -euo pipefail
cd "$(dirname "$0")/.."
# Panic locations name each dependency's source file by its path in this machine's cargo home
# (/root/.cargo/registry/src/index.crates.io-…/leptos-0.8.…/src/…): cut that prefix, so the
# WASM is smaller and the same size wherever it is built (the first-load budget is exact).
# Cargo joins these flags to .cargo/config.toml's own for the target.
remap=""
for registry in "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/; do
  [ -d "$registry" ] && remap="$remap --remap-path-prefix=$registry="
done
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="${remap# }"
trunk build --release --offline=true index.html
trunk build --release --offline=true --dist dist/signin --public-url /signin/ signin.html
node scripts/app-assets.mjs dist
node scripts/localize-shells.mjs dist
node scripts/precompress.mjs dist
node scripts/precompress.mjs dist/signin
