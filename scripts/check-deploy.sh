#!/usr/bin/env bash
# Checks the deployment files `make test` can check here: the systemd unit, with
# `systemd-analyze verify` (which must print nothing: it only warns about a bad value), against
# the server binary this build made in place of /opt/smmm-portal/server.
set -euo pipefail
cd "$(dirname "$0")/.."
server="$PWD/target/debug/server"
[ -x "$server" ] || cargo build --locked -p server
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
sed "s|/opt/smmm-portal/server|$server|" deploy/smmm-portal.service >"$work/smmm-portal.service"
out="$(systemd-analyze verify "$work/smmm-portal.service" 2>&1)" || {
  echo "$out"
  exit 1
}
if [ -n "$out" ]; then
  echo "systemd-analyze verify complained about deploy/smmm-portal.service:"
  echo "$out"
  exit 1
fi
echo "deploy/smmm-portal.service: verified"
