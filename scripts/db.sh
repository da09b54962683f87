#!/usr/bin/env bash
# Embedded PostgreSQL cluster for development and tests.
#   scripts/db.sh init  DIR PORT   create (if absent), start and bootstrap a cluster
#   scripts/db.sh start DIR PORT   start an existing cluster
#   scripts/db.sh stop  DIR        stop it (fast shutdown)
#   scripts/db.sh destroy DIR      stop it and remove DIR
#   scripts/db.sh url DIR PORT ROLE  print the connection string for ROLE (tenantd_app,
#                                    tenantd_worker, tenantd_migrator, tenantd_readonly; the
#                                    roles other than the migrator exist after `migrate up`)
# The cluster listens on a Unix socket in DIR/run and on 127.0.0.1:PORT.
# At creation, TENANTD_PG_CONF_EXTRA (lines appended to postgresql.conf) and TENANTD_PG_HOST_AUTH
# (the method for loopback TCP, default scram-sha-256) adapt it (scripts/citus-cluster.sh).
# When invoked as root the server runs as the `postgres` OS user (PostgreSQL refuses root).
set -euo pipefail

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
cmd=${1:?usage: db.sh init|start|stop|destroy|url DIR [PORT]}
dir=${2:?missing cluster directory}
port=${3:-54329}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
data="$dir/data"
sock="$dir/run"

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# As root, the postgres user must be able to reach DIR: give search (x) permission on
# ancestors that lack it. Only the execute bit is added, never read or write.
ensure_reachable() {
  [ "$(id -u)" = 0 ] || return 0
  chown -R postgres: "$dir"
  local p="$dir"
  while [ "$p" != "/" ]; do
    p=$(dirname "$p")
    if ! runuser -u postgres -- test -x "$p"; then
      echo "db.sh: adding o+x to $p so the postgres user can reach the cluster" >&2
      chmod o+x "$p"
    fi
  done
}

psql_super() { as_pg "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$sock" -p "$port" -U postgres "$@"; }

start() {
  if as_pg "$PGBIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then return 0; fi
  as_pg "$PGBIN/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $sock -c listen_addresses=127.0.0.1" start >/dev/null
}

case "$cmd" in
  init)
    mkdir -p "$sock"
    ensure_reachable
    if [ ! -f "$data/PG_VERSION" ]; then
      as_pg "$PGBIN/initdb" -D "$data" -U postgres -E UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256 >"$dir/initdb.log"
      # Development cluster: bound to loopback and a private socket directory only.
      cat >>"$data/postgresql.conf" <<CONF
unix_socket_directories = '$sock'
listen_addresses = '127.0.0.1'
max_connections = 200
shared_buffers = 256MB
fsync = ${TENANTD_PG_FSYNC:-on}
synchronous_commit = ${TENANTD_PG_SYNC_COMMIT:-on}
log_min_messages = warning
${TENANTD_PG_CONF_EXTRA:-}
CONF
      # local dev access over TCP with the documented development passwords
      cat >"$data/pg_hba.conf" <<HBA
local all all trust
host  all all 127.0.0.1/32 ${TENANTD_PG_HOST_AUTH:-scram-sha-256}
HBA
    fi
    start
    # Bootstrap what must exist before the first migration can connect: the migrator
    # (CREATEROLE so that migration 0001 can create the other roles) and the database.
    psql_super -d postgres <<SQL
select 'create role tenantd_migrator login createrole password ''tenantd_migrator'''
 where not exists (select 1 from pg_roles where rolname = 'tenantd_migrator')\gexec
select 'create database tenantd owner tenantd_migrator'
 where not exists (select 1 from pg_database where datname = 'tenantd')\gexec
SQL
    ;;
  start) ensure_reachable; start ;;
  stop)
    if [ -f "$data/PG_VERSION" ]; then
      as_pg "$PGBIN/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
    fi ;;
  destroy)
    if [ -f "$data/PG_VERSION" ]; then
      as_pg "$PGBIN/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir" ;;
  url)
    role=${4:-tenantd_app}
    echo "postgresql:///tenantd?host=$sock&port=$port&user=$role" ;;
  *) echo "db.sh: unknown command $cmd" >&2; exit 2 ;;
esac
