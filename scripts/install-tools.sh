#!/usr/bin/env bash
# Installs what building (and, with `test`, testing) SMMM Portal needs on a fresh machine,
# skipping whatever is already there. Every tool comes from crates.io, npm or Debian.
#
#   scripts/install-tools.sh build   wasm32 target, Trunk, wasm-bindgen-cli, wasm-opt (npm binaryen),
#                                    leptosfmt (formats `view!` macros)
#   scripts/install-tools.sh test    the above, plus Debian Chromium, nginx, systemd-analyze,
#                                    podman (runc, debootstrap, podman-compose), Playwright, and
#                                    aiosmtpd (PyPI, in .tools/smtp): the tests' SMTP server
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION="0.21.14" # 0.22 needs a newer rustc than this machine's
LEPTOSFMT_VERSION="0.1.33"
# The tests' real SMTP server (issue: mail), from PyPI, in a virtualenv of the project's own.
AIOSMTPD_VERSION="1.4.6"
# wasm-bindgen-cli must match the wasm-bindgen the lockfile resolved, to the patch.
WASM_BINDGEN_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
export PATH="$CARGO_BIN:$PATH"

say() { printf '==> %s\n' "$*"; }

have_version() { # have_version <command> <expected substring>
  command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | grep -q -- "$2"
}

install_build_tools() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  if ! have_version trunk "trunk $TRUNK_VERSION"; then
    say "installing Trunk $TRUNK_VERSION (a few minutes, once)"
    cargo install --locked trunk --version "$TRUNK_VERSION"
  fi
  if ! have_version leptosfmt "leptosfmt $LEPTOSFMT_VERSION"; then
    say "installing leptosfmt $LEPTOSFMT_VERSION (a few minutes, once)"
    cargo install --locked leptosfmt --version "$LEPTOSFMT_VERSION"
  fi
  if ! have_version wasm-bindgen "wasm-bindgen $WASM_BINDGEN_VERSION"; then
    say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes, once)"
    # Not --locked: the CLI's own lockfile pins a crate version the registry no longer serves.
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
  fi
  # wasm-opt comes from npm's binaryen (Debian's is too old and breaks the module), and
  # Playwright from the same package.json.
  if [ ! -x end2end/node_modules/.bin/wasm-opt ] || [ ! -d end2end/node_modules/@playwright/test ]; then
    say "installing npm packages (binaryen, @playwright/test)"
    (cd end2end && npm ci --no-audit --no-fund)
  fi
}

install_test_tools() {
  # Debian's Chromium for Playwright, and nginx: the load balancer of the multi-instance tests
  # (installing the package starts no server the tests rely on; they run their own).
  local missing=()
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
  # systemd-analyze checks deploy/smmm-portal.service (installing it starts nothing here).
  command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)
  # The container image (scripts/check-container.sh): podman with runc, debootstrap for a base
  # image (no registry is reachable), podman-compose to parse deploy/compose.yaml.
  command -v podman >/dev/null 2>&1 || missing+=(podman)
  command -v runc >/dev/null 2>&1 || [ -x /usr/sbin/runc ] || missing+=(runc)
  command -v debootstrap >/dev/null 2>&1 || [ -x /usr/sbin/debootstrap ] || missing+=(debootstrap)
  command -v podman-compose >/dev/null 2>&1 || missing+=(podman-compose)
  if [ "${#missing[@]}" -gt 0 ]; then
    say "installing from Debian: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}"
  fi
}

install_smtp_sink() {
  if ! .tools/smtp/bin/python -c "import aiosmtpd" >/dev/null 2>&1; then
    say "installing aiosmtpd $AIOSMTPD_VERSION from PyPI into .tools/smtp (the tests' SMTP server)"
    python3 -m venv .tools/smtp
    .tools/smtp/bin/pip install --quiet --disable-pip-version-check "aiosmtpd==$AIOSMTPD_VERSION"
  fi
}

case "${1:-build}" in
  build) install_build_tools ;;
  test) install_build_tools; install_test_tools; install_smtp_sink ;;
  *) echo "usage: $0 [build|test]" >&2; exit 2 ;;
esac
