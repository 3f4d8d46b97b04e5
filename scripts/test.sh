#!/usr/bin/env bash
# `make test`: every check and test SMMM Portal has, in order, with a summary at the end.
# Installs missing tools first. Exits non-zero if any step fails. PostgreSQL: the server at
# 127.0.0.1:5432 (database `test`, trust auth) when one answers, else a throwaway cluster started
# here and stopped at the end (scripts/postgres.sh); its tests fail, never skip.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/end2end/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

passed=()
failed=()
step() { # step <name> <command...>
  local name="$1"; shift
  printf '\n==> %s\n' "$name"
  local started=$SECONDS
  if "$@"; then
    passed+=("$name ($((SECONDS - started))s)")
  else
    failed+=("$name ($((SECONDS - started))s)")
  fi
}

scripts/install-tools.sh test || { echo "error: could not install the tools"; exit 1; }
source scripts/postgres.sh
trap stop_postgres EXIT
ensure_postgres || { echo "error: no PostgreSQL for the tests"; exit 1; }
cargo fetch --locked || { echo "error: could not fetch the crates"; exit 1; }

# rustfmt leaves `view!` macros alone: leptosfmt formats them (leptosfmt.toml).
step "format" bash -c 'cargo fmt --all -- --check && leptosfmt --check app/src'
step "clippy (server side)" cargo clippy --locked -p app -p server --all-targets -- -D warnings
step "clippy (browser side)" cargo clippy --locked -p frontend -p app --features app/csr --target wasm32-unknown-unknown -- -D warnings
step "unit and integration tests (SQLite)" cargo test --locked -p app -p server
step "integration tests (PostgreSQL)" env TEST_DATABASE=postgres cargo test --locked -p server --test api
step "WASM build (release, wasm-opt, precompressed)" scripts/build-frontend.sh
step "first-load size budget" node scripts/first-load-size.mjs dist
step "WASM has no server crates" scripts/check-wasm-deps.sh
step "deployment files (systemd-analyze verify)" scripts/check-deploy.sh
step "end-to-end (Playwright, Chromium)" bash -c 'cargo build --locked -p server && cd end2end && npx playwright test'
step "container image (podman: deploy/Dockerfile, deploy/compose.yaml)" bash -c 'cargo build --locked -p server && scripts/check-container.sh'

printf '\n==> summary\n'
for s in "${passed[@]}"; do printf '  ok     %s\n' "$s"; done
for s in "${failed[@]}"; do printf '  FAILED %s\n' "$s"; done
printf 'steps: %d passed, %d failed\n' "${#passed[@]}" "${#failed[@]}"
[ "${#failed[@]}" -eq 0 ]
