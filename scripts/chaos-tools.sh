#!/usr/bin/env bash
# Makes sure the programs the chaos suite starts on its own ports are installed: PostgreSQL's
# initdb/pg_ctl (Debian package postgresql, in /usr/lib/postgresql/<version>/bin) and redis-server
# (package redis-server). Installs the missing ones with apt-get when it can; says what to do otherwise.
set -euo pipefail

have_initdb() {
  command -v initdb >/dev/null 2>&1 && return 0
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null
}
have_redis() { command -v redis-server >/dev/null 2>&1; }

missing=()
have_initdb || missing+=(postgresql)
have_redis || missing+=(redis-server)
[ ${#missing[@]} -eq 0 ] && exit 0

if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
  echo "chaos suite: installing ${missing[*]}..." >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "chaos suite: install ${missing[*]} (initdb and redis-server are needed), e.g. sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
have_initdb && have_redis || { echo "chaos suite: initdb or redis-server still missing after installing ${missing[*]}" >&2; exit 1; }
