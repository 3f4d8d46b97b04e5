#!/usr/bin/env bash
# `make test`, container step: builds the runtime image of deploy/Dockerfile with podman and runs
# it as an operator would: a one-shot `migrate`, the first admin, two instances on one PostgreSQL
# (TEST_PG_URL), a sign-in on one honoured by the other and a sign-out on one refused by both.
# Also parses deploy/compose.yaml.
#
# The machine has no image registry: the base image is Debian bookworm made by debootstrap, and
# the runtime stage takes the binary and dist/ this machine built (an image holding them at /out,
# passed as ARTIFACTS) instead of running the build stage, which would compile everything again.
set -euo pipefail
cd "$(dirname "$0")/.."

export CONTAINERS_CONF="$PWD/scripts/containers.conf"
BASE=localhost/smmm-debian:bookworm
IMAGE=localhost/smmm-portal:test
PG_URL="${TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/test}"
SCHEMA="container_$$"
SECRET="cOnTaInEr-7Qm2x9Lk4Vb8Nw3Zr6Tj1Hp5Yd0Gs"
work="$(mktemp -d)"
names=()
cleanup() {
  for name in "${names[@]}"; do podman rm -f "$name" >/dev/null 2>&1 || true; done
  psql "$PG_URL" -qc "DROP SCHEMA IF EXISTS \"$SCHEMA\" CASCADE" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
say() { printf '   %s\n' "$*"; }

if ! podman image exists "$BASE"; then
  say "making the base image (debootstrap bookworm, about a minute)"
  debootstrap --variant=minbase bookworm "$work/rootfs" http://deb.debian.org/debian >/dev/null
  tar -C "$work/rootfs" -c . | podman import - "$BASE" >/dev/null
  rm -rf "$work/rootfs"
fi

binary=target/release/server
[ -x "$binary" ] || binary=target/debug/server
[ -x "$binary" ] && [ -f dist/index.html ] || {
  echo "build the server and the frontend first (make test does)" >&2
  exit 1
}
mkdir -p "$work/artifacts/out"
# Without its debug information: a tenth of the size, the same program.
strip --strip-debug -o "$work/artifacts/out/server" "$binary" 2>/dev/null || cp "$binary" "$work/artifacts/out/server"
cp -r dist "$work/artifacts/out/dist"
printf 'FROM %s\nCOPY out /out\n' "$BASE" >"$work/artifacts/Containerfile"
podman build -q -t localhost/smmm-artifacts:test "$work/artifacts" >/dev/null
say "building $IMAGE from deploy/Dockerfile"
podman build -q -f deploy/Dockerfile --target runtime \
  --build-arg RUNTIME_IMAGE="$BASE" --build-arg ARTIFACTS=localhost/smmm-artifacts:test \
  -t "$IMAGE" . >/dev/null

portal() { # portal <podman run options…> -- <server arguments…>
  local opts=()
  while [ "$1" != "--" ]; do opts+=("$1"); shift; done
  shift
  podman run --network=host \
    -e PUBLIC_URL=https://portal.example.com -e SESSION_SECRET="$SECRET" \
    -e DATABASE_URL="$PG_URL" -e DATABASE_SCHEMA="$SCHEMA" -e BCRYPT_COST=10 \
    -e SMTP_URL=smtp://127.0.0.1:2525 -e MAIL_FROM="SMMM Portal <portal@example.com>" \
    "${opts[@]}" "$IMAGE" "$@"
}

say "one-shot migrate, then the first admin"
portal --rm -- migrate >/dev/null
printf 'Container-Admin-2026\n' | portal --rm -i -- create-user --email ops@example.com \
  --name "Ops Admin" --role admin >/dev/null

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ports=()
for name in a b; do
  port="$(free_port)"
  ports+=("$port")
  names+=("smmm-test-$name-$$")
  portal -d --name "smmm-test-$name-$$" -e BIND=127.0.0.1 -e PORT="$port" -- >/dev/null
done
for port in "${ports[@]}"; do
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
    sleep 0.2
  done
  curl -fsS "http://127.0.0.1:$port/readyz" | grep -q '"status":"ready"' || {
    podman logs "${names[0]}" | tail -20 >&2
    echo "FAIL: the instance on port $port is not ready" >&2
    exit 1
  }
done
a="http://127.0.0.1:${ports[0]}"
b="http://127.0.0.1:${ports[1]}"
origin=(-H "Origin: https://portal.example.com" -H "Content-Type: application/json")

uid="$(podman exec "${names[0]}" id -u)"
[ "$uid" != 0 ] || { echo "FAIL: the image runs as root" >&2; exit 1; }

# Production cookies are Secure (__Host-): carried by hand here, over plain HTTP on loopback.
cookie="$(curl -fsS -D - -o /dev/null "${origin[@]}" "$a/api/auth/sign_in" \
  -d '{"email":"ops@example.com","password":"Container-Admin-2026"}' |
  tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \(__Host-smmm_session=[^;]*\).*/\1/p')"
[ -n "$cookie" ] || { echo "FAIL: no session cookie from the sign-in on A" >&2; exit 1; }
status() { curl -s -o /dev/null -w '%{http_code}' "${origin[@]}" -H "Cookie: $cookie" -X POST "$1/api/me"; }
[ "$(status "$b")" = 200 ] || { echo "FAIL: B does not honour A's session" >&2; exit 1; }
curl -fsS -o /dev/null "${origin[@]}" -H "Cookie: $cookie" -X POST "$a/api/auth/sign_out"
for _ in $(seq 1 20); do [ "$(status "$b")" = 401 ] && break; sleep 0.1; done
[ "$(status "$a")" = 401 ] && [ "$(status "$b")" = 401 ] || {
  echo "FAIL: a sign-out on A is not refused by both" >&2
  exit 1
}
say "image ok: migrate, create-user, two instances on PostgreSQL, sign-in on A honoured by B, sign-out refused by both; runs as uid $uid"

# The compose file: parsed and planned (podman-compose --dry-run prints the podman commands it
# would run): the five services on this image, and a missing secret refused.
plan="$(SESSION_SECRET=x POSTGRES_PASSWORD=x podman-compose --dry-run -f deploy/compose.yaml up -d 2>/dev/null)"
for service in postgres migrate portal-a portal-b proxy; do
  grep -q -- "--network-alias $service " <<<"$plan" || {
    echo "FAIL: deploy/compose.yaml does not plan the service $service" >&2
    exit 1
  }
done
grep -q "localhost/smmm-portal:latest migrate$" <<<"$plan" || {
  echo "FAIL: deploy/compose.yaml does not run the one-shot migrate" >&2
  exit 1
}
if POSTGRES_PASSWORD=x podman-compose --dry-run -f deploy/compose.yaml up -d >/dev/null 2>&1; then
  echo "FAIL: deploy/compose.yaml starts without SESSION_SECRET" >&2
  exit 1
fi
say "deploy/compose.yaml plans postgres, migrate, two instances and the proxy; refuses a missing secret"
