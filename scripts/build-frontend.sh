#!/usr/bin/env bash
# Builds the browser side into dist/ (release, wasm-opt, precompressed):
#   dist/          the full app (index.html): every page, Leptos
#   dist/signin/   the light first-load sign-in page (signin.html), served at / and /auth/signin
# The app goes first: Trunk empties its dist directory, and dist/signin lives inside it.
set -euo pipefail
cd "$(dirname "$0")/.."
trunk build --release --offline=true index.html
trunk build --release --offline=true --dist dist/signin --public-url /signin/ signin.html
node scripts/app-assets.mjs dist
node scripts/localize-shells.mjs dist
node scripts/precompress.mjs dist
node scripts/precompress.mjs dist/signin
