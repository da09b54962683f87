#!/usr/bin/env bash
# bench/callgrind.sh: what one call of a SQL expression costs the database, in CPU instructions
# counted by valgrind's callgrind, not in time. Counts do not change with what else the machine
# is doing, so two versions of a function can be compared on a shared, busy machine where
# pgbench's calls/s move by ±15 % from one minute to the next.
#
#   bench/callgrind.sh 'EXPRESSION' [LABEL]
#
# EXPRESSION is evaluated once per call as tenantd_app, inside a plpgsql loop over 100 bench
# tenants; it may use r.t (the tenant number) and r.c (the context JSON text the dispatcher would
# send for that tenant's member 2, as in bench/users_list.pgbench). Examples:
#   bench/callgrind.sh 'tenantd.enter(r.c::jsonb)' enter
#   bench/callgrind.sh '(select count(*) from api.list_members(r.c::jsonb, 50, null, null, null))' list
#
# How: a throwaway cluster under var/callgrind-pg (created, migrated and loaded with
# bench/load.sql at 100 tenants x 1,000 members on first use, then kept; delete the directory
# after changing migrations), stopped, then PostgreSQL in single-user mode under callgrind runs
# the loop twice: once with only a warm-up of 100 calls, once with 300 calls more. The difference
# divided by 300 is the steady-state cost of one call: no connection start, no first-call
# catalogue loading, no planning that a prepared statement would not repeat. It excludes what
# the wire adds (parse/bind/execute messages, the transaction per statement), which is the same
# for every expression. The report names the functions that cost most (inclusive) and leaves the
# callgrind files in var/callgrind/ for callgrind_annotate. Needs valgrind (not in make deps:
# a developer tool). About two minutes per expression on 2 cores.
set -euo pipefail
EXPR=${1:?usage: bench/callgrind.sh 'EXPRESSION' [LABEL]}
LABEL=${2:-expr}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
DIR="$ROOT/var/callgrind-pg"
OUT="$ROOT/var/callgrind"
PORT=${CALLGRIND_PG_PORT:-54339}
command -v valgrind >/dev/null || { echo "callgrind.sh: valgrind not found (apt-get install valgrind)" >&2; exit 2; }
[ -x "$ROOT/build/tenantd" ] || { echo "callgrind.sh: build/tenantd missing (make build)" >&2; exit 2; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
mkdir -p "$OUT"
[ "$(id -u)" != 0 ] || chown postgres: "$OUT"  # the server writes the callgrind files

if [ ! -f "$DIR/loaded" ]; then
  echo "callgrind.sh: creating $DIR (100 tenants x 1,000 members)" >&2
  "$ROOT/scripts/db.sh" init "$DIR" "$PORT" >/dev/null
  "$ROOT/build/tenantd" migrate up --dir "$ROOT" \
    --database-url "$("$ROOT/scripts/db.sh" url "$DIR" "$PORT" tenantd_migrator)" >/dev/null
  as_pg "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$DIR/run" -p "$PORT" -U postgres -d tenantd \
    -v tenants=100 -v members=1000 -f "$ROOT/bench/load.sql" >/dev/null
  touch "$DIR/loaded"
else
  # sql/ and policies/ as they are now (a changed function is what one usually measures)
  "$ROOT/scripts/db.sh" start "$DIR" "$PORT" >/dev/null
  "$ROOT/build/tenantd" migrate up --dir "$ROOT" \
    --database-url "$("$ROOT/scripts/db.sh" url "$DIR" "$PORT" tenantd_migrator)" >/dev/null
fi
"$ROOT/scripts/db.sh" stop "$DIR" >/dev/null

# run N: single-user postgres under callgrind, warm-up plus N calls; prints total instructions
run() {
  local n=$1 file="$OUT/$LABEL-$1.out" script
  script=$(mktemp); chmod 644 "$script"
  # single-user mode reads one statement per line
  cat >"$script" <<SQL
create temp table ctxs as select t, jsonb_build_object('request_id', 'bench', 'route', 'GET /v1/users', 'client', '127.0.0.1', 'refs', jsonb_build_array(md5('bench-tenant-' || t)::uuid), 'user_id', md5('bench-user-' || t || '-2')::uuid, 'role', 'member', 'subject', md5('bench-user-' || t || '-2')::uuid)::text as c from generate_series(1, 100) t
grant select on ctxs to public
set role tenantd_app
do \$\$ declare r record; begin for r in select t, c from ctxs loop perform $EXPR; end loop; end \$\$
do \$\$ declare r record; i int := 0; begin while i < $n loop for r in select t, c from ctxs loop perform $EXPR; i := i + 1; exit when i >= $n; end loop; end loop; end \$\$
SQL
  as_pg valgrind --tool=callgrind --callgrind-out-file="$file" --toggle-collect=plpgsql_inline_handler \
    "$PGBIN/postgres" --single -D "$DIR/data" tenantd <"$script" >"$OUT/$LABEL-$n.log" 2>&1
  rm -f "$script"
  if grep -q "ERROR" "$OUT/$LABEL-$n.log"; then
    grep -m3 "ERROR" "$OUT/$LABEL-$n.log" >&2; exit 1
  fi
  callgrind_annotate "$file" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }'
}
base=$(run 0)
total=$(run 300)
echo "$LABEL: $(( (total - base) / 300 )) instructions per call"
echo "most expensive (inclusive, whole 300-call run):"
callgrind_annotate --inclusive=yes "$OUT/$LABEL-300.out" 2>/dev/null |
  awk '/file:function/ { on = 1; next } on && /\?\?\?:[a-zA-Z_]/ { print }' |
  grep -v -E "0x0000|PostgresMain|PostmasterMain|main |PortalRun|ProcessUtility|ExecuteDoStmt|plpgsql_inline_handler|FunctionCall1Coll|OidFunctionCall|SingleUserMain" |
  head -25
