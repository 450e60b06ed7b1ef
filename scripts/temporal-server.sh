#!/usr/bin/env bash
# A production-shaped Temporal server on this machine: the real server 1.29.1 (not the dev server)
# on a local PostgreSQL server of its own (or the machine's, TEMPORAL_SERVER_PG_CLUSTER=none), with
# several history shards and its own databases.
#
#   scripts/temporal-server.sh start    build once if missing, create and migrate the databases,
#                                       start in the background, create the namespace and our
#                                       search attributes; prints the frontend address
#   scripts/temporal-server.sh stop     stop the server this script started (its pid file)
#   scripts/temporal-server.sh status   running or not, and where
#   scripts/temporal-server.sh build    only build the binaries (never rebuilds a working one)
#
# Settings (environment): TEMPORAL_SERVER_PORT (frontend gRPC, default 7633; the other services
# use the ports next to it), TEMPORAL_SERVER_SHARDS (4; fixed once the database exists),
# TEMPORAL_SERVER_DB / TEMPORAL_SERVER_VISIBILITY_DB (temporal_prod, temporal_prod_visibility),
# TEMPORAL_SERVER_PG_CLUSTER (temporal: Temporal's databases on a PostgreSQL server of their own, a
# Debian cluster of that name on TEMPORAL_SERVER_PG_CLUSTER_PORT, 5434, created and started when
# missing; none: on TEMPORAL_SERVER_PG_HOST/PORT, as when either of those is set),
# TEMPORAL_SERVER_PG_HOST/PORT/USER/PASSWORD (127.0.0.1, 5432, postgres, empty),
# TEMPORAL_SERVER_NAMESPACE (default), TEMPORAL_SERVER_STATE (.tools/temporal-server: config, pid, log),
# TEMPORAL_SERVER_BIN_DIR (where the binaries are looked for and built: .tools/bin).
set -euo pipefail

VERSION=v1.29.1
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN_DIR="${TEMPORAL_SERVER_BIN_DIR:-$ROOT/.tools/bin}"
SERVER_BIN="$BIN_DIR/temporal-server"
SQL_BIN="$BIN_DIR/temporal-sql-tool"
STATE_DIR="${TEMPORAL_SERVER_STATE:-$ROOT/.tools/temporal-server}"
PID_FILE="$STATE_DIR/server.pid"
LOG_FILE="$STATE_DIR/server.log"

FRONTEND_PORT="${TEMPORAL_SERVER_PORT:-7633}"
SHARDS="${TEMPORAL_SERVER_SHARDS:-4}"
DB="${TEMPORAL_SERVER_DB:-temporal_prod}"
VISIBILITY_DB="${TEMPORAL_SERVER_VISIBILITY_DB:-temporal_prod_visibility}"
# a server given by host or port is used as it is; else Temporal gets a cluster of its own
PG_CLUSTER="${TEMPORAL_SERVER_PG_CLUSTER:-temporal}"
if [ -n "${TEMPORAL_SERVER_PG_HOST:-}${TEMPORAL_SERVER_PG_PORT:-}" ]; then PG_CLUSTER=none; fi
PG_CLUSTER_PORT="${TEMPORAL_SERVER_PG_CLUSTER_PORT:-5434}"
PG_WHERE=""
PG_HOST="${TEMPORAL_SERVER_PG_HOST:-127.0.0.1}"
PG_PORT="${TEMPORAL_SERVER_PG_PORT:-5432}"
PG_USER="${TEMPORAL_SERVER_PG_USER:-postgres}"
PG_PASSWORD="${TEMPORAL_SERVER_PG_PASSWORD:-}"
NAMESPACE="${TEMPORAL_SERVER_NAMESPACE:-default}"
RETENTION_HOURS="${TEMPORAL_SERVER_RETENTION_HOURS:-72}"
ADDRESS="127.0.0.1:$FRONTEND_PORT"

say() { echo "temporal-server: $*" >&2; }
die() { say "$*"; exit 1; }

works() { [ -x "$1" ] && "$1" --help >/dev/null 2>&1; }

build() {
  if works "$SERVER_BIN" && works "$SQL_BIN"; then return 0; fi
  command -v go >/dev/null 2>&1 || die "no Go toolchain: install Go >= 1.25, or put temporal-server and temporal-sql-tool ($VERSION) in $BIN_DIR"
  local started tmp
  started=$(date +%s)
  tmp="$(mktemp -d)"
  say "building the Temporal server and SQL tool $VERSION with $(go env GOVERSION) into $BIN_DIR (tens of minutes on 2 cores, once)..."
  # one `go install` for both: the packages they share compile once
  CGO_ENABLED=0 GOTOOLCHAIN=local GOBIN="$tmp" go install -trimpath -ldflags "-s -w" \
    "go.temporal.io/server/cmd/server@$VERSION" "go.temporal.io/server/cmd/tools/sql@$VERSION" >&2
  mkdir -p "$BIN_DIR"
  mv "$tmp/server" "$SERVER_BIN"
  mv "$tmp/sql" "$SQL_BIN"
  rmdir "$tmp"
  works "$SERVER_BIN" && works "$SQL_BIN" || die "go install finished but the binaries in $BIN_DIR do not run"
  say "built in $(( $(date +%s) - started )) s"
}

running_pid() {
  [ -f "$PID_FILE" ] || return 1
  local pid
  pid="$(cat "$PID_FILE")"
  # the pid is ours only while it is still this server binary
  [ -n "$pid" ] && [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$(readlink -f "$SERVER_BIN")" ] && echo "$pid"
}

# pg_lsclusters' line of Temporal's cluster (version, name, port, status, ...), empty when there is none
cluster_line() { pg_lsclusters --no-header | awk -v name="$PG_CLUSTER" '$2 == name'; }

# Temporal's persistence on a PostgreSQL server of its own, as a deployment runs it apart from the
# application's database: measured here, the API's inserts in a burst no longer queue behind
# Temporal's statements and WAL flushes (docs/temporal-server.md). A Debian cluster (postgresql-common's
# pg_createcluster, beside the machine's own), created on first use and started when down; PG_PORT
# becomes its port. Without postgresql-common, or with TEMPORAL_SERVER_PG_CLUSTER=none, the
# databases go on PG_HOST:PG_PORT.
own_cluster() {
  [ "$PG_CLUSTER" = none ] && return 0
  if ! command -v pg_lsclusters >/dev/null 2>&1 || ! command -v pg_createcluster >/dev/null 2>&1; then
    say "no pg_createcluster (Debian's postgresql-common): Temporal's databases go on $PG_HOST:$PG_PORT, beside the application's"
    return 0
  fi
  local line version status
  line="$(cluster_line)"
  if [ -z "$line" ]; then
    version="$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -n 1)"
    [ -n "$version" ] || die "no PostgreSQL server in /usr/lib/postgresql for Temporal's cluster: install one, or set TEMPORAL_SERVER_PG_CLUSTER=none"
    say "creating PostgreSQL $version cluster '$PG_CLUSTER' on port $PG_CLUSTER_PORT for Temporal's persistence"
    # trust on this machine's loopback and socket only, like the machine's own cluster here
    pg_createcluster "$version" "$PG_CLUSTER" -p "$PG_CLUSTER_PORT" -- --auth-host=trust --auth-local=trust >&2 ||
      die "pg_createcluster failed: set TEMPORAL_SERVER_PG_CLUSTER=none to use the PostgreSQL on $PG_HOST:$PG_PORT"
    line="$(cluster_line)"
  fi
  read -r version _ PG_PORT status _ <<<"$line"
  if [ "$status" != online ]; then
    say "starting PostgreSQL cluster $version/$PG_CLUSTER (port $PG_PORT)"
    pg_ctlcluster "$version" "$PG_CLUSTER" start >&2 || die "PostgreSQL cluster $version/$PG_CLUSTER did not start (see /var/log/postgresql/)"
  fi
  PG_HOST=127.0.0.1
  PG_WHERE="cluster $version/$PG_CLUSTER, "
}

psql_q() { PGPASSWORD="$PG_PASSWORD" psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d "$1" -tAc "$2"; }

schema_dir() {
  local dir
  dir="$(GOTOOLCHAIN=local go env GOMODCACHE 2>/dev/null)/go.temporal.io/server@$VERSION/schema/postgresql/v12"
  if [ ! -d "$dir" ]; then
    say "downloading the server module for its schema files..."
    (cd "$(mktemp -d)" && GOTOOLCHAIN=local GOFLAGS=-mod=mod go mod download "go.temporal.io/server@$VERSION" >&2)
  fi
  [ -d "$dir" ] || die "no schema files at $dir"
  echo "$dir"
}

# Creates the database when missing, sets up the base schema on a new one, and applies every newer
# versioned schema (update-schema is a no-op when the database is current).
migrate_db() {
  local db="$1" versioned="$2"
  local sql=("$SQL_BIN" --plugin postgres12 --ep "$PG_HOST" -p "$PG_PORT" -u "$PG_USER" --pw "$PG_PASSWORD" --db "$db")
  local log="$STATE_DIR/schema.log"
  # the tool logs every statement: its output goes to schema.log, and to stderr only on failure
  run_sql() { "${sql[@]}" "$@" >>"$log" 2>&1 || { tail -n 20 "$log" >&2; die "temporal-sql-tool $1 failed on database $db (full output: $log)"; }; }
  if [ -z "$(psql_q postgres "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]; then
    run_sql create-database
  fi
  if [ -z "$(psql_q "$db" "SELECT 1 FROM information_schema.tables WHERE table_name = 'schema_version'")" ]; then
    run_sql setup-schema -v 0.0
  fi
  run_sql update-schema -d "$versioned"
}

check_shards() {
  local marker="$STATE_DIR/shards.$DB"
  local existing
  existing="$(psql_q "$DB" "SELECT count(*) FROM shards" 2>/dev/null || echo 0)"
  if [ "${existing:-0}" -gt 0 ] && [ "$existing" != "$SHARDS" ]; then
    die "database $DB was created with $existing history shards, not $SHARDS: set TEMPORAL_SERVER_SHARDS=$existing, or TEMPORAL_SERVER_DB to a new database"
  fi
  echo "$SHARDS" >"$marker"
}

write_config() {
  mkdir -p "$STATE_DIR/config"
  local p=$FRONTEND_PORT
  # frontend p, history p+1, matching p+2, worker p+6, http p+10; membership ports 1000 below; metrics p+2000
  SHARDS="$SHARDS" DB="$DB" VISIBILITY_DB="$VISIBILITY_DB" PG_HOST="$PG_HOST" PG_PORT="$PG_PORT" \
    PG_USER="$PG_USER" PG_PASSWORD="$PG_PASSWORD" STATE_DIR="$STATE_DIR" \
    FRONTEND_PORT=$p HISTORY_PORT=$((p + 1)) MATCHING_PORT=$((p + 2)) WORKER_PORT=$((p + 6)) FRONTEND_HTTP_PORT=$((p + 10)) \
    FRONTEND_MEMBERSHIP_PORT=$((p - 1000)) HISTORY_MEMBERSHIP_PORT=$((p - 999)) MATCHING_MEMBERSHIP_PORT=$((p - 998)) WORKER_MEMBERSHIP_PORT=$((p - 994)) \
    METRICS_PORT=$((p + 2000)) \
    envsubst <"$ROOT/scripts/temporal-server/config.yaml.tmpl" >"$STATE_DIR/config/production-shaped.yaml"
  (cd "$ROOT" && node --import tsx scripts/temporal-server/setup.ts dynamic-config "$STATE_DIR/config/dynamicconfig.yaml")
}

start() {
  if pid="$(running_pid)"; then
    say "already running (pid $pid) on $ADDRESS"
    echo "$ADDRESS"
    return 0
  fi
  if (exec 3<>"/dev/tcp/127.0.0.1/$FRONTEND_PORT") 2>/dev/null; then
    die "port $FRONTEND_PORT is taken by another process: stop it or set TEMPORAL_SERVER_PORT"
  fi
  build
  mkdir -p "$STATE_DIR"
  own_cluster
  local schema
  schema="$(schema_dir)"
  say "databases $DB and $VISIBILITY_DB on $PG_HOST:$PG_PORT: creating / migrating..."
  echo "PostgreSQL $PG_WHERE$PG_HOST:$PG_PORT" >"$STATE_DIR/pg"
  migrate_db "$DB" "$schema/temporal/versioned"
  migrate_db "$VISIBILITY_DB" "$schema/visibility/versioned"
  check_shards
  write_config
  say "starting on $ADDRESS ($SHARDS history shards; log $LOG_FILE)"
  (cd "$STATE_DIR" && exec nohup "$SERVER_BIN" --root "$STATE_DIR" --config config --env production-shaped --allow-no-auth start >>"$LOG_FILE" 2>&1) &
  echo $! >"$PID_FILE"
  if ! (cd "$ROOT" && node --import tsx scripts/temporal-server/setup.ts namespace "$ADDRESS" "$NAMESPACE" "$RETENTION_HOURS" >&2); then
    say "the server did not come up; last lines of $LOG_FILE:"
    tail -n 20 "$LOG_FILE" >&2 || true
    stop
    exit 1
  fi
  say "running (pid $(cat "$PID_FILE")): TEMPORAL_ADDRESS=$ADDRESS TEMPORAL_NAMESPACE=$NAMESPACE"
  echo "$ADDRESS"
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then
    say "not running"
    rm -f "$PID_FILE"
    return 0
  fi
  kill -TERM "$pid"
  for _ in $(seq 1 100); do
    [ -d "/proc/$pid" ] || break
    sleep 0.2
  done
  if [ -d "/proc/$pid" ]; then
    say "still running after 20 s: killing pid $pid"
    kill -KILL "$pid"
  fi
  rm -f "$PID_FILE"
  say "stopped"
}

status() {
  if pid="$(running_pid)"; then
    echo "running (pid $pid) on $ADDRESS, databases $DB and $VISIBILITY_DB on $(cat "$STATE_DIR/pg" 2>/dev/null || echo "PostgreSQL $PG_HOST:$PG_PORT"), $SHARDS history shards"
  else
    echo "not running"
    return 1
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  build) build ;;
  *) die "usage: scripts/temporal-server.sh start|stop|status|build" ;;
esac
