# PostgreSQL for the tests, sourced by scripts/test.sh (and scripts/bench.sh).
#
#   ensure_postgres   use the server at 127.0.0.1:5432 (database `test`) when it answers; else
#                     start a throwaway cluster from Debian's `postgresql` (installed when
#                     missing) in a temp dir on a free port. Exports TEST_PG_URL either way.
#   stop_postgres     stop the throwaway cluster, if one was started, and remove it.
#
# TEST_PG_THROWAWAY=1 forces the throwaway cluster even when 5432 answers.

PG_THROWAWAY_DIR=""

pg_answers() { # pg_answers <port>
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

ensure_postgres() {
  if [ "${TEST_PG_THROWAWAY:-0}" != 1 ] && pg_answers 5432; then
    export TEST_PG_URL="${TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/test}"
    echo "==> PostgreSQL: using the server at 127.0.0.1:5432"
    return 0
  fi
  local initdb
  initdb="$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1)"
  if [ -z "$initdb" ]; then
    echo "==> PostgreSQL: nothing at 127.0.0.1:5432; installing Debian's postgresql"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q postgresql
    initdb="$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)"
  fi
  local bin port
  bin="$(dirname "$initdb")"
  port="$(free_port)"
  PG_THROWAWAY_DIR="$(mktemp -d /tmp/smmm-pg.XXXXXX)"
  # initdb refuses to run as root: run the cluster as `postgres` then.
  local as=()
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$PG_THROWAWAY_DIR"
    as=(runuser -u postgres --)
  fi
  export PG_THROWAWAY_BIN="$bin" # before anything starts: stop_postgres needs it
  echo "==> PostgreSQL: starting a throwaway cluster on 127.0.0.1:$port"
  "${as[@]}" "$bin/initdb" -D "$PG_THROWAWAY_DIR/data" -A trust -U postgres >"$PG_THROWAWAY_DIR/initdb.log" 2>&1 \
    || { cat "$PG_THROWAWAY_DIR/initdb.log"; return 1; }
  "${as[@]}" "$bin/pg_ctl" -D "$PG_THROWAWAY_DIR/data" -l "$PG_THROWAWAY_DIR/log" -w \
    -o "-p $port -k $PG_THROWAWAY_DIR -c listen_addresses=127.0.0.1 -c max_connections=300" start >/dev/null \
    || { cat "$PG_THROWAWAY_DIR/log"; return 1; }
  "${as[@]}" "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE DATABASE test" || return 1
  export TEST_PG_URL="postgres://postgres@127.0.0.1:$port/test"
}

stop_postgres() {
  [ -n "$PG_THROWAWAY_DIR" ] || return 0
  local as=()
  [ "$(id -u)" -eq 0 ] && as=(runuser -u postgres --)
  "${as[@]}" "$PG_THROWAWAY_BIN/pg_ctl" -D "$PG_THROWAWAY_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PG_THROWAWAY_DIR"
  PG_THROWAWAY_DIR=""
}
