#!/usr/bin/env bash
# bench/run.sh (make bench): throughput and latency of GET /v1/users?limit=50 against its limits.
#
#   (a) pgbench runs the SQL transaction the service runs for GET /v1/users?limit=50
#       (bench/users_list.pgbench): the database limit
#   (b) wrk against GET /v1/users?limit=50, tokens rotating over many tenants (bench/users.lua)
#   (c) wrk against GET /healthz (bench/healthz.lua): the HTTP limit
#
# Order: (a) first half, tenantd up, (b), (c), tenantd down, (a) second half. (a) brackets (b)
# in time, so a machine that gets slower or faster during the run (other people's builds, a
# noisy neighbour) moves both sides of the ratio (b)/(a) alike.
#
# It prints requests/s, p50 and p99 for each, the ratios (b)/(a) and (b)/(c), and the database
# round trips and transactions per request, measured (not assumed); the same report goes to
# bench/results/latest.txt (bench/results/ is git-ignored).
#
# Database: the embedded development cluster (scripts/db.sh; TENANTD_PG_DIR, TENANTD_PG_PORT),
# started if it is not running (and then stopped again at the end), database tenantd_bench,
# created, migrated and loaded with bench/load.sql (1,000 tenants x 1,000 members) on the first
# run only. DATABASE_URL from the environment is ignored: the bench always uses that cluster.
# Nothing here builds: `make bench` builds first.
#
# Settings (environment; defaults in brackets):
#   BENCH_DB_POOL_SIZE [4]     tenantd DB_POOL_SIZE
#   BENCH_HTTP_THREADS [4]     tenantd HTTP_THREADS (Pistache threads; each runs its requests'
#                              database calls synchronously, so database concurrency is
#                              min(HTTP_THREADS, DB_POOL_SIZE))
#   BENCH_PGBENCH_CLIENTS [min(pool, threads)]  pgbench -c: the service's database concurrency
#   BENCH_CONNECTIONS [16]     wrk -c for (b) and (c)
#   BENCH_WRK_THREADS [2]      wrk -t
#   BENCH_DURATION [20]        seconds measured per scenario ((a): two halves of half that)
#   BENCH_WARMUP [3]           seconds of unmeasured warm-up before each (a) half and (b)
#   BENCH_TOKEN_TENANTS [1000] tenants in the token rotation (one token each)
#   BENCH_PG_TRANSPORT [tcp]   tcp (127.0.0.1, needed to count round trips) or socket
#   BENCH_KEEPALIVE [0]        1: wrk sends "Connection: keep-alive". By default wrk sends no
#                              Connection header, like most HTTP/1.1 clients; see the report's
#                              note on how tenantd answers that.
#   BENCH_IDLE_WAIT [20]       seconds to wait, before each scenario, for other processes to
#                              leave the CPUs alone (at most BENCH_MAX_FOREIGN cores busy)
#   BENCH_MAX_FOREIGN [0.25]
#   BENCH_RETRIES [1]          a scenario during which other processes used more than
#                              BENCH_MAX_FOREIGN cores is measured again, up to this many times;
#                              the report marks one that stayed disturbed
# Defaults: on 2 cores 4 transactions in flight keep both cores busy (pgbench -c 4 does ~15%
# more than -c 8); threads = pool because a thread without a connection only waits for one
# (threads 8 / pool 4 gave a p99 of 180 ms) and a connection without a thread is never used;
# 4 wrk connections per thread keep every thread busy without turning latency into queueing.
# bench/results/history.tsv keeps one line per run to compare settings.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
unset DATABASE_URL MIGRATE_DATABASE_URL
source "$ROOT/scripts/env.sh"
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}

POOL=${BENCH_DB_POOL_SIZE:-4}
THREADS=${BENCH_HTTP_THREADS:-4}
PGB_CLIENTS=${BENCH_PGBENCH_CLIENTS:-$((POOL < THREADS ? POOL : THREADS))}
CONNS=${BENCH_CONNECTIONS:-16}
WRK_THREADS=${BENCH_WRK_THREADS:-2}
DURATION=${BENCH_DURATION:-20}
WARMUP=${BENCH_WARMUP:-3}
TOKEN_TENANTS=${BENCH_TOKEN_TENANTS:-1000}
TRANSPORT=${BENCH_PG_TRANSPORT:-tcp}
KEEPALIVE=${BENCH_KEEPALIVE:-0}
IDLE_WAIT=${BENCH_IDLE_WAIT:-20}
MAX_FOREIGN=${BENCH_MAX_FOREIGN:-0.25}
RETRIES=${BENCH_RETRIES:-1}
PGB_JOBS=2
BENCH_DB=tenantd_bench
TENANTS=1000
MEMBERS=1000

PG_DIR=$(mkdir -p "$TENANTD_PG_DIR" && cd "$TENANTD_PG_DIR" && pwd)
PG_PORT=$TENANTD_PG_PORT
PG_SOCK="$PG_DIR/run"
WORK="$ROOT/var/bench"            # per-run scratch: tokens, logs (git-ignored, under var/)
RESULTS="$BENCH_DIR/results"
mkdir -p "$WORK" "$RESULTS"

log() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { printf '\nbench: FAILED: %s\n' "$*" >&2; exit 1; }

for tool in wrk curl jq ss awk "$PGBIN/pgbench" "$PGBIN/psql" "$PGBIN/pg_ctl"; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done
# The run uses a copy of the binary taken now: a build started meanwhile (make test, an editor's
# build) may relink build/tenantd at any moment, and a half-written file does not start.
TENANTD="$WORK/tenantd"
for i in $(seq 1 30); do
  if [ -x "$BUILD_DIR/tenantd" ] && cp "$BUILD_DIR/tenantd" "$TENANTD.tmp" 2>/dev/null &&
    "$TENANTD.tmp" --help >/dev/null 2>&1; then
    mv "$TENANTD.tmp" "$TENANTD"; break
  fi
  [ "$i" = 30 ] && die "$BUILD_DIR/tenantd is missing or does not run (run 'make bench', which builds first)"
  [ "$i" = 1 ] && log "build/tenantd is missing or does not run (being rebuilt?); retrying for 60 s"
  sleep 2
done
TENANTD_BUILT=$(date -r "$BUILD_DIR/tenantd" '+%Y-%m-%d %H:%M:%S' 2>/dev/null || echo '?')
case "$TRANSPORT" in tcp | socket) ;; *) die "BENCH_PG_TRANSPORT must be tcp or socket" ;; esac

as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
psql_super() { as_pg "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCK" -p "$PG_PORT" -U postgres "$@"; }
# One value from the postgres database (never from tenantd_bench: its statistics are measured).
sql_value() { psql_super -d postgres -At -c "$1"; }

# ---------------------------------------------------------------------------------------------
# Clean-up: stop tenantd; stop the cluster only when this script started it.
TENANTD_PID=""
STARTED_CLUSTER=0
stop_tenantd() {
  [ -n "$TENANTD_PID" ] || return 0
  if kill -0 "$TENANTD_PID" 2>/dev/null; then
    kill -TERM "$TENANTD_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$TENANTD_PID" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$TENANTD_PID" 2>/dev/null; then
      log "tenantd did not stop on SIGTERM within 10 s; killing it"
      kill -KILL "$TENANTD_PID" 2>/dev/null || true
    fi
  fi
  wait "$TENANTD_PID" 2>/dev/null || true
  TENANTD_PID=""
}
cleanup() {
  stop_tenantd
  if [ "$STARTED_CLUSTER" = 1 ]; then
    log "stopping the cluster this run started"
    "$ROOT/scripts/db.sh" stop "$PG_DIR" || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------------------------
# CPU accounting. The machine is shared (tenantd, PostgreSQL, wrk and pgbench share its cores,
# and other people's builds and tests may run too), so every scenario reports how much CPU
# went to processes outside the benchmark. Clock ticks (USER_HZ) throughout.
NCPU=$(nproc)
cpu_busy() { awk '/^cpu /{ print $2 + $3 + $4; exit }' /proc/stat; }  # user+nice+system
proc_ticks() {  # utime+stime of PID, plus its reaped children's (cutime+cstime) with "all"
  local s mode=${2:-}
  s=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
  s=${s##*) }   # drop "pid (comm) "
  # shellcheck disable=SC2086
  set -- $s     # now $1 is the state field (stat field 3): field N is $((N-2))
  if [ "$mode" = all ]; then echo $(( ${12} + ${13} + ${14} + ${15} )); else echo $(( ${12} + ${13} )); fi
}
postmaster_pid() { head -1 "$PG_DIR/data/postmaster.pid" 2>/dev/null || echo 0; }
# CPU ticks used so far by the benchmark's own processes: this shell's reaped children (wrk,
# pgbench, curl...), tenantd, and the cluster (postmaster, its live children, its reaped ones).
own_ticks() {
  local pm total c
  pm=$(postmaster_pid)
  total=$(( $(proc_ticks $$ all) - $(proc_ticks $$) ))
  [ -n "$TENANTD_PID" ] && total=$(( total + $(proc_ticks "$TENANTD_PID") ))
  if [ "$pm" != 0 ]; then
    total=$(( total + $(awk '{ s = $0; sub(/^.*\) /, "", s); split(s, f, " "); print f[12] + f[13] + f[14] + f[15] }' "/proc/$pm/stat") ))
    for c in $(ps --ppid "$pm" -o pid= 2>/dev/null); do
      total=$(( total + $(proc_ticks "$c") ))
    done
  fi
  echo "$total"
}
CPU_T0=0; CPU_BUSY0=0; CPU_OWN0=0; CPU_T1=0; CPU_BUSY1=0
cpu_mark() { CPU_T0=$(date +%s%N); CPU_BUSY0=$(cpu_busy); CPU_OWN0=$(own_ticks); }
cpu_end() { CPU_T1=$(date +%s%N); CPU_BUSY1=$(cpu_busy); }
# prints "<total busy cores> <benchmark cores> <foreign cores>" averaged from cpu_mark to cpu_end.
# The benchmark's own ticks are read now: backends of a client that just exited are counted
# once the postmaster has reaped them (call after wait_db_idle when sessions ended).
cpu_report() {
  local own hz
  hz=$(getconf CLK_TCK)
  own=$(own_ticks)
  awk -v dt="$(( CPU_T1 - CPU_T0 ))" -v b="$(( CPU_BUSY1 - CPU_BUSY0 ))" -v o="$(( own - CPU_OWN0 ))" -v hz="$hz" '
    BEGIN { s = dt / 1e9; f = (b - o) / hz / s; if (f < 0) f = 0
            printf "%.2f %.2f %.2f\n", b / hz / s, o / hz / s, f }'
}
cpu_since_mark() { cpu_end; cpu_report; }
# Waits (up to IDLE_WAIT s) until processes outside the benchmark use at most MAX_FOREIGN cores.
wait_for_quiet() {
  local waited=0 foreign
  while :; do
    cpu_mark; sleep 1
    foreign=$(cpu_since_mark | awk '{ print $3 }')
    if awk -v f="$foreign" -v m="$MAX_FOREIGN" 'BEGIN { exit !(f <= m) }'; then return 0; fi
    if [ "$waited" -ge "$IDLE_WAIT" ]; then
      log "WARNING: other processes still use $foreign cores after ${IDLE_WAIT}s; measuring anyway"
      return 0
    fi
    [ "$waited" = 0 ] && log "other processes use $foreign cores; waiting up to ${IDLE_WAIT}s for quiet"
    sleep 2; waited=$((waited + 3))
  done
}

# ---------------------------------------------------------------------------------------------
# Round trips, counted on the wire: with TCP each libpq flush is one TCP segment carrying data
# (TCP_NODELAY, loopback MSS far above any message here), and libpq waits for the answer after
# every flush, so client->server data segments = round trips. Summed over the established
# connections of PID to the PostgreSQL port: "<data_segs_out> <data_segs_in> <connections>".
tcp_segs() {
  ss -Htinp state established "( dport = :$PG_PORT )" 2>/dev/null | awk -v want="pid=$1," '
    /^[^ \t]/ { keep = index($0, want) > 0; if (keep) n++; next }
    keep {
      for (i = 1; i <= NF; i++) {
        if ($i ~ /^data_segs_out:/) { split($i, a, ":"); out += a[2] }
        if ($i ~ /^data_segs_in:/)  { split($i, a, ":"); in_ += a[2] }
      }
    }
    END { printf "%d %d %d\n", out, in_, n }'
}
# committed + rolled back transactions in tenantd_bench so far (flushed statistics)
db_xacts() { sql_value "select xact_commit + xact_rollback from pg_stat_database where datname = '$BENCH_DB'"; }
# Statistics are flushed when backends exit: wait until tenantd_bench has no sessions left.
wait_db_idle() {
  for _ in $(seq 1 100); do
    [ "$(sql_value "select count(*) from pg_stat_activity where datname = '$BENCH_DB' and pid <> pg_backend_pid()")" = 0 ] && return 0
    sleep 0.1
  done
  log "WARNING: sessions still open on $BENCH_DB; transaction counts may lag"
}

free_port() {
  local p
  for _ in $(seq 1 100); do
    p=$((20000 + RANDOM % 20000))
    if [ -z "$(ss -Htln "sport = :$p")" ]; then echo "$p"; return 0; fi
  done
  return 1
}

kv() { sed -n "s/.*[[:space:]]$1=\([^[:space:]]*\).*/\1/p" <<<"$2"; }  # value of key=VALUE in a WRK_RESULT line
ms() { awk -v us="$1" 'BEGIN { printf "%.2f", us / 1000 }'; }

# ---------------------------------------------------------------------------------------------
log "machine: $NCPU cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo); load average $(cut -d' ' -f1-3 /proc/loadavg)"

# 1. The embedded cluster and the bench database -----------------------------------------------
if ! as_pg "$PGBIN/pg_ctl" -D "$PG_DIR/data" status >/dev/null 2>&1; then STARTED_CLUSTER=1; fi
log "cluster: $PG_DIR port $PG_PORT$([ "$STARTED_CLUSTER" = 1 ] && echo ' (starting it; stopped again at the end)' || echo ' (already running)')"
"$ROOT/scripts/db.sh" init "$PG_DIR" "$PG_PORT" >/dev/null

if [ -z "$(sql_value "select 1 from pg_database where datname = '$BENCH_DB'")" ]; then
  log "creating database $BENCH_DB (owner tenantd_migrator)"
  psql_super -d postgres -c "create database $BENCH_DB owner tenantd_migrator"
fi
MIGRATOR_URL="postgresql:///$BENCH_DB?host=$PG_SOCK&port=$PG_PORT&user=tenantd_migrator"
log "migrating $BENCH_DB"
"$TENANTD" migrate up --dir "$ROOT" --database-url "$MIGRATOR_URL" >"$WORK/migrate.log" 2>&1 ||
  { cat "$WORK/migrate.log" >&2; die "migrate up failed on $BENCH_DB"; }

loaded=$(psql_super -d "$BENCH_DB" -At -c "select count(*) from tenantd.tenants where slug like 'bench-%'")
LOAD_NOTE="already loaded"
if [ "$loaded" != "$TENANTS" ]; then
  [ "$loaded" = 0 ] || die "$BENCH_DB holds $loaded bench tenants, expected 0 or $TENANTS: drop it (psql -c 'drop database $BENCH_DB') and rerun"
  log "loading $TENANTS tenants x $MEMBERS members (bench/load.sql, one-time; about a minute)"
  t0=$(date +%s)
  psql_super -d "$BENCH_DB" <"$BENCH_DIR/load.sql"
  LOAD_NOTE="loaded this run in $(( $(date +%s) - t0 )) s"
  log "$LOAD_NOTE"
fi
read -r n_users n_members < <(psql_super -d "$BENCH_DB" -At -F' ' -c \
  "select (select count(*) from tenantd.users), (select count(*) from tenantd.memberships)")
log "data: $TENANTS bench tenants, $n_users users, $n_members memberships ($LOAD_NOTE)"
# a vacuum interrupted after the load would leave the planner without statistics
if [ "$(psql_super -d "$BENCH_DB" -At -c "select count(*) from pg_stats where schemaname = 'tenantd' and tablename = 'memberships'")" = 0 ]; then
  log "no planner statistics on memberships: running vacuum (analyze)"
  psql_super -d "$BENCH_DB" -c "vacuum (analyze) tenantd.users, tenantd.memberships, tenantd.tenants"
fi

# How the app role connects, for pgbench and for tenantd alike.
if [ "$TRANSPORT" = tcp ]; then
  export PGPASSWORD=tenantd_app   # development password of the embedded cluster (migrations/0001)
  APP_HOST=127.0.0.1
  APP_URL="postgresql://tenantd_app@127.0.0.1:$PG_PORT/$BENCH_DB"
else
  APP_HOST=$PG_SOCK
  APP_URL="postgresql:///$BENCH_DB?host=$PG_SOCK&port=$PG_PORT&user=tenantd_app"
fi
app_psql() { "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$APP_HOST" -p "$PG_PORT" -U tenantd_app -d "$BENCH_DB" "$@"; }

# 2. Check the transaction, and keep its plan -------------------------------------------------
# The pgbench script is a copy of what the service sends; the service's source moves on. Every
# string literal of the users_list statement (and of the variables it is built from) and of the
# enter_context call must appear in the script, or the report says the copy is stale.
statement_drift() {
  local src tx script
  src=$(grep -rl '{"users_list",' "$ROOT/src" 2>/dev/null | head -1 || true)
  tx="$ROOT/src/db/tenant_tx.cpp"
  [ -n "$src" ] && [ -f "$tx" ] || { echo "users_list or tenant_tx.cpp not found in src/: not checked"; return; }
  script=$(grep -v '^--' "$BENCH_DIR/users_list.pgbench" | sed 's/ \\;/;/g' | tr -s ' \t\n' '   ')
  {
    # the users_list entry: from its line to the next {"name", entry or the end of the list
    awk '/\{"users_list",/ { on = 1 } on && /\{"[a-z_]+",/ && !/\{"users_list",/ { exit } on' "$src"
    # variables the entry is built from (e.g. member_cols = "..." + ...;)
    for v in $(awk '/\{"users_list",/ { on = 1 } on && /\{"[a-z_]+",/ && !/\{"users_list",/ { exit } on' "$src" |
               grep -o '\b[a-z_][a-z0-9_]* *+' | tr -d ' +' | sort -u); do
      awk -v v="$v" '$0 ~ "(^|[^a-z0-9_])" v " *=" { on = 1 } on { print } on && /;[[:space:]]*$/ { exit }' "$src"
    done
    grep 'enter_context(' "$tx"
  } | awk '
    { line = $0
      while (match(line, /"([^"\\]|\\.)*"/)) {
        lit = substr(line, RSTART + 1, RLENGTH - 2); line = substr(line, RSTART + RLENGTH)
        gsub(/\\"/, "\"", lit); gsub(/[ \t]+/, " ", lit); sub(/^ /, "", lit); sub(/ $/, "", lit)
        if (length(lit) > 3 && lit != "users_list") print lit
      } }' | sort -u | while IFS= read -r frag; do
    case "$script" in *"$frag"*) ;; *) printf 'missing: %s\n' "$frag" ;; esac
  done
}
DRIFT=$(statement_drift)
if [ -z "$DRIFT" ]; then
  DRIFT_NOTE="bench/users_list.pgbench matches the statement text in $(grep -rl '{"users_list",' "$ROOT/src" | head -1 | sed "s|$ROOT/||") and src/db/tenant_tx.cpp"
  log "statement check: $DRIFT_NOTE"
else
  DRIFT_NOTE="WARNING: bench/users_list.pgbench differs from the service's source; (a) may not run what the service runs: $(tr '\n' ';' <<<"$DRIFT")"
  log "$DRIFT_NOTE"
fi

# The pgbench script's statements, run once by psql: the context must resolve and RLS must let
# exactly 51 rows through (a silently empty result would make the database look fast).
PREPARE_SQL=$(sed -n 's/^prepare users_list as //p' "$BENCH_DIR/users_list.pgbench")
ENTER_SQL=$(sed -n 's/^begin \\; //p' "$BENCH_DIR/users_list.pgbench")
EXECUTE_SQL=$(grep '^execute users_list' "$BENCH_DIR/users_list.pgbench" || true)
[ -n "$PREPARE_SQL" ] && [ -n "$ENTER_SQL" ] && [ -n "$EXECUTE_SQL" ] ||
  die "bench/users_list.pgbench lacks its 'prepare users_list as', 'begin \\;' or 'execute users_list' line"
check_tx() {  # tenant number -> rows of that tenant returned by users_list in its context
  app_psql -At <<SQL | grep -c '@bench-'"$1"'\.example\.com|'
prepare users_list as $PREPARE_SQL
begin;
\\o /dev/null
$(sed "s/ :t\b/ $1/g" <<<"$ENTER_SQL")
\\o
$EXECUTE_SQL
commit;
SQL
}
for t in 1 $TENANTS; do
  rows=$(check_tx "$t" || true)
  [ "$rows" = 51 ] || die "the pgbench transaction returned $rows rows of tenant $t (expected 51)"
done
log "pgbench transaction checked: 51 rows of the right tenant"
# The plan the server uses from the 7th execution on, when the plan cache has chosen between a
# generic plan (planned once per connection) and custom plans (planned on every execution).
app_psql >"$RESULTS/explain_users_list.txt" 2>&1 <<SQL || true
prepare users_list as $PREPARE_SQL
begin;
\\o /dev/null
$(sed "s/ :t\b/ 7/g" <<<"$ENTER_SQL")
$EXECUTE_SQL $EXECUTE_SQL $EXECUTE_SQL
$EXECUTE_SQL $EXECUTE_SQL $EXECUTE_SQL
\\o
explain (analyze, buffers, verbose, costs) $EXECUTE_SQL
explain (analyze, buffers, costs, timing off) $EXECUTE_SQL
select 'plan cache after 8 executions: ' || generic_plans || ' generic, ' || custom_plans || ' custom' as users_list
  from pg_prepared_statements where name = 'users_list';
commit;
SQL
PLAN_NOTE=$(sed -n 's/^ *plan cache after \(8 executions: .*\)$/\1/p' "$RESULTS/explain_users_list.txt" | head -1)
PLAN_TIME=$(grep -m1 'Planning Time' "$RESULTS/explain_users_list.txt" | sed 's/^ *//')
case "$PLAN_NOTE" in
  *" 0 generic"*) PLAN_NOTE="users_list plan cache after $PLAN_NOTE: re-planned on every execution ($PLAN_TIME)" ;;
  "") PLAN_NOTE="users_list plan cache: not read (see bench/results/explain_users_list.txt)" ;;
  *) PLAN_NOTE="users_list plan cache after $PLAN_NOTE ($PLAN_TIME)" ;;
esac
log "$PLAN_NOTE"

# 3. (a) pgbench: the database limit, first half ----------------------------------------------
PGB_ARGS=(-n -M simple -D prepared=0 -f "$BENCH_DIR/users_list.pgbench" -c "$PGB_CLIENTS" -j "$PGB_JOBS"
  -h "$APP_HOST" -p "$PG_PORT" -U tenantd_app "$BENCH_DB")
HALF=$(awk -v d="$DURATION" 'BEGIN { h = int(d / 2 + 0.5); print (h < 2 ? 2 : h) }')
rm -f "$WORK"/pgbench_*
mid_time() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", (a + b) / 2 }'; }
# Accumulated over both halves:
A_DISTURBED=0; A_TX=0; A_SECS=0; A_WARM_TX=0; A_XACTS=0; A_SEG=0; A_SEG_TX=0; A_SEG_OK=1; A_CPU_OWN=0; A_CPU_FOREIGN=0; A_HALVES=""
pgbench_half() {  # name
  local name=$1 x0 x1 tx tps failed s1 s2 t1 t2 t_a t_b pid o1 o2 n1 n2 mid cpu_own cpu_foreign attempt=0
  while :; do
  wait_for_quiet
  log "(a/$name) pgbench warm-up ${WARMUP}s"
  x0=$(db_xacts)
  "$PGBIN/pgbench" "${PGB_ARGS[@]}" -T "$WARMUP" >"$WORK/pgbench_${name}_warmup.out" 2>&1 ||
    { cat "$WORK/pgbench_${name}_warmup.out" >&2; die "pgbench warm-up failed"; }
  A_WARM_TX=$((A_WARM_TX + $(awk '/number of transactions actually processed/ { print $NF }' "$WORK/pgbench_${name}_warmup.out")))
  wait_db_idle; sleep 0.3   # warm-up backends reaped before the CPU accounting starts
  log "(a/$name) pgbench -c $PGB_CLIENTS -j $PGB_JOBS -T $HALF -M simple$([ "$attempt" -gt 0 ] && echo " (attempt $((attempt + 1)))")"
  rm -f "$WORK"/pgbench_"${name}"_log.*
  cpu_mark
  ( cd "$WORK" && exec "$PGBIN/pgbench" "${PGB_ARGS[@]}" -T "$HALF" --log --log-prefix="pgbench_${name}_log" ) \
    >"$WORK/pgbench_$name.out" 2>&1 &
  pid=$!
  # Round-trip counters sampled at 1/4 and 3/4 of the run (all connections open, none being set
  # up); sample time = midpoint of the ss call, matched against the log's completion times.
  sleep "$(awk -v d="$HALF" 'BEGIN { print d / 4 }')"
  t_a=$(date +%s.%N); s1=$(tcp_segs "$pid"); t_b=$(date +%s.%N); t1=$(mid_time "$t_a" "$t_b")
  sleep "$(awk -v d="$HALF" 'BEGIN { print d / 2 }')"
  t_a=$(date +%s.%N); s2=$(tcp_segs "$pid"); t_b=$(date +%s.%N); t2=$(mid_time "$t_a" "$t_b")
  wait "$pid" || { cat "$WORK/pgbench_$name.out" >&2; die "pgbench failed"; }
  cpu_end
  wait_db_idle; sleep 0.3   # the backends' CPU time reaches the postmaster when it reaps them
  read -r _ cpu_own cpu_foreign < <(cpu_report)
  x1=$(db_xacts)
  tx=$(awk '/number of transactions actually processed/ { print $NF }' "$WORK/pgbench_$name.out")
  tps=$(awk '/^tps = .*without initial connection time/ { print $3 }' "$WORK/pgbench_$name.out")
  failed=$(awk -F'[:(]' '/number of failed transactions/ { gsub(/ /, "", $2); print $2 }' "$WORK/pgbench_$name.out")
  [ -n "$tx" ] && [ "$tx" -gt 0 ] && [ -n "$tps" ] || die "pgbench processed no transactions (see $WORK/pgbench_$name.out)"
  [ "${failed:-0}" = 0 ] || die "pgbench: $failed failed transactions (see $WORK/pgbench_$name.out)"
  if awk -v f="$cpu_foreign" -v m="$MAX_FOREIGN" 'BEGIN { exit !(f > m) }' && [ "$attempt" -lt "$RETRIES" ]; then
    log "(a/$name) disturbed: other processes used $cpu_foreign cores ($tps tps); measuring again"
    A_WARM_TX=$((A_WARM_TX + tx)); A_XACTS=$((A_XACTS + x1 - x0))   # still count for xacts/tx
    attempt=$((attempt + 1)); continue
  fi
  A_TX=$((A_TX + tx))
  awk -v f="$cpu_foreign" -v m="$MAX_FOREIGN" 'BEGIN { exit !(f > m) }' && A_DISTURBED=1
  A_SECS=$(awk -v a="$A_SECS" -v n="$tx" -v r="$tps" 'BEGIN { print a + n / r }')
  A_XACTS=$((A_XACTS + x1 - x0))
  read -r o1 _ n1 <<<"$s1"; read -r o2 _ n2 <<<"$s2"
  mid=$(cat "$WORK"/pgbench_"${name}"_log.* | awk -v a="$t1" -v b="$t2" '{ t = $5 + $6 / 1e6; if (t > a && t <= b) n++ } END { print n + 0 }')
  if [ "$n1" = "$PGB_CLIENTS" ] && [ "$n2" = "$PGB_CLIENTS" ] && [ "$mid" -gt 0 ]; then
    A_SEG=$((A_SEG + o2 - o1)); A_SEG_TX=$((A_SEG_TX + mid))
  else
    A_SEG_OK=0
  fi
  A_CPU_OWN=$(awk -v a="$A_CPU_OWN" -v b="$cpu_own" 'BEGIN { print a + b / 2 }')
  A_CPU_FOREIGN=$(awk -v a="$A_CPU_FOREIGN" -v b="$cpu_foreign" 'BEGIN { print a + b / 2 }')
  local note=""
  [ "$attempt" -gt 0 ] && note=", attempt $((attempt + 1))"
  A_HALVES+="${A_HALVES:+, }$name: $(printf '%.1f' "$tps") tps (other processes ${cpu_foreign} cores$note)"
  cat "$WORK/pgbench_$name.out" >>"$RESULTS/pgbench.txt"
  log "(a/$name) $tps tps; CPU: $cpu_own cores bench, $cpu_foreign others"
  return 0
  done
}
: >"$RESULTS/pgbench.txt"
pgbench_half 1

# 4. tenantd -----------------------------------------------------------------------------------
export JWT_HS256_SECRET
JWT_HS256_SECRET=$(openssl rand -hex 32)   # random for this run: the tokens die with it
TOKENS="$WORK/tokens.txt"
log "minting $TOKEN_TENANTS tokens (one per tenant, role member, 1 h) with tenantd token"
psql_super -d postgres -At -F' ' -c "select t, md5('bench-user-' || t || '-2')::uuid, md5('bench-tenant-' || t)::uuid
  from generate_series(1, $TOKEN_TENANTS) t" >"$WORK/token_subjects.txt"
# two at a time (each call is a process start); line t of the file is tenant t's token
xargs -P 2 -n 3 sh -c 'echo "$1 $("$0" token --sub "$2" --tenant "$3" --role member --ttl 3600)"' "$TENANTD" \
  <"$WORK/token_subjects.txt" | sort -n | cut -d' ' -f2 >"$TOKENS.tmp"
[ "$(grep -c . "$TOKENS.tmp")" = "$TOKEN_TENANTS" ] || die "token minting produced $(grep -c . "$TOKENS.tmp") tokens"
mv "$TOKENS.tmp" "$TOKENS"

PORT=$(free_port) || die "no free TCP port found"
log "starting tenantd on 127.0.0.1:$PORT: HTTP_THREADS=$THREADS DB_POOL_SIZE=$POOL WORKERS=0 LOG_LEVEL=warn, database $BENCH_DB as tenantd_app over $TRANSPORT"
XB0=$(db_xacts)
# WORKERS=0: no background job workers in this process (they poll the database on their own
# connections, which would blur the per-request counts); the bench measures the HTTP path.
DATABASE_URL="$APP_URL" LISTEN_ADDR="127.0.0.1:$PORT" HTTP_THREADS="$THREADS" DB_POOL_SIZE="$POOL" \
  WORKERS=0 LOG_LEVEL=warn MIGRATIONS_DIR="$ROOT/migrations" "$TENANTD" serve >"$WORK/tenantd.log" 2>&1 &
TENANTD_PID=$!
BASE="http://127.0.0.1:$PORT"
for i in $(seq 1 100); do
  curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null && break
  kill -0 "$TENANTD_PID" 2>/dev/null || { cat "$WORK/tenantd.log" >&2; die "tenantd exited at start-up"; }
  [ "$i" = 100 ] && die "tenantd did not answer /healthz within 10 s"
  sleep 0.1
done

# Sample requests: 200, 50 rows, all of the token's tenant, a next page.
SAMPLES=0
for t in 1 $(( (TOKEN_TENANTS + 1) / 2 )) "$TOKEN_TENANTS"; do
  tok=$(sed -n "${t}p" "$TOKENS")
  code=$(curl -sS -o "$WORK/sample.json" -D "$WORK/sample.headers" -w '%{http_code}' -H "Authorization: Bearer $tok" "$BASE/v1/users?limit=50")
  SAMPLES=$((SAMPLES + 1))
  [ "$code" = 200 ] || { cat "$WORK/sample.json" >&2; die "sample GET /v1/users?limit=50 (tenant $t) answered $code"; }
  jq -e --arg dom "@bench-$t.example.com" \
    '(.data | length) == 50 and all(.data[]; .email | endswith($dom)) and (.next_cursor | type) == "string"' \
    "$WORK/sample.json" >/dev/null ||
    die "sample GET /v1/users?limit=50 (tenant $t): expected 50 members of bench-$t and a next_cursor, got $(head -c 300 "$WORK/sample.json")"
done
log "sample requests checked: 200, 50 members of the token's tenant, next_cursor set"
# What tenantd answers an HTTP/1.1 request that carries no Connection header (wrk's default):
# "Connection: Close" makes wrk open a new TCP connection for every request.
CONN_HEADER=$(tr -d '\r' <"$WORK/sample.headers" | sed -n 's/^[Cc]onnection: *//p' | head -1)
WRK_COMMON=(-t "$WRK_THREADS" -c "$CONNS" --latency --timeout 10s)
if [ "$KEEPALIVE" = 1 ]; then
  WRK_COMMON+=(-H "Connection: keep-alive")
  CONN_NOTE="wrk sent 'Connection: keep-alive' (BENCH_KEEPALIVE=1): connections reused"
else
  CONN_NOTE="wrk sent no Connection header; tenantd answered 'Connection: ${CONN_HEADER:-<none>}'"
  case "${CONN_HEADER,,}" in close) CONN_NOTE+=", so every request opened a new TCP connection (BENCH_KEEPALIVE=1 measures with keep-alive)" ;; esac
fi
check_wrk() {  # name file: the WRK_RESULT line, or die on errors
  local line
  line=$(grep '^WRK_RESULT' "$2") || { cat "$2" >&2; die "$1: wrk printed no result"; }
  for k in non2xx connect_err read_err write_err timeout_err; do
    [ "$(kv "$k" "$line")" = 0 ] || { cat "$2" >&2; die "$1: wrk reported $k=$(kv "$k" "$line")"; }
  done
  [ "$(kv requests "$line")" -gt 0 ] || die "$1: no requests completed"
  echo "$line"
}

# One wrk scenario, measured again (once by default) when other processes took more than
# BENCH_MAX_FOREIGN cores during it. Sets W_LINE (the WRK_RESULT line), W_CPU_OWN, W_CPU_FOREIGN,
# W_SEG0/W_SEG1 (tenantd's PostgreSQL segment counters around the run) and W_ATTEMPTS.
DB_REQS=$SAMPLES   # requests of tenantd that reached the database (transactions per request)
wrk_scenario() {  # label name lua-script url counts-db(0|1)
  local label=$1 name=$2 script=$3 url=$4 db=$5 attempt=0 total
  while :; do
    wait_for_quiet
    log "$label wrk -t $WRK_THREADS -c $CONNS -d ${DURATION}s $url$([ "$attempt" -gt 0 ] && echo " (attempt $((attempt + 1)))")"
    W_SEG0=$(tcp_segs "$TENANTD_PID")
    cpu_mark
    BENCH_TOKENS="$TOKENS" wrk "${WRK_COMMON[@]}" -d "${DURATION}s" -s "$BENCH_DIR/$script" "$url" \
      >"$WORK/wrk_$name.out" 2>&1 || { cat "$WORK/wrk_$name.out" >&2; die "$label wrk failed"; }
    read -r total W_CPU_OWN W_CPU_FOREIGN < <(cpu_since_mark)
    sleep 0.5   # requests still in flight when wrk stopped finish
    W_SEG1=$(tcp_segs "$TENANTD_PID")
    W_LINE=$(check_wrk "$label" "$WORK/wrk_$name.out")
    [ "$db" = 1 ] && DB_REQS=$((DB_REQS + $(kv requests "$W_LINE")))
    W_ATTEMPTS=$((attempt + 1))
    if awk -v f="$W_CPU_FOREIGN" -v m="$MAX_FOREIGN" 'BEGIN { exit !(f > m) }' && [ "$attempt" -lt "$RETRIES" ]; then
      log "$label disturbed: other processes used $W_CPU_FOREIGN cores ($(kv rps "$W_LINE") req/s); measuring again"
      attempt=$((attempt + 1)); continue
    fi
    cp "$WORK/wrk_$name.out" "$RESULTS/wrk_$name.txt"
    return 0
  done
}

# 5. (b) wrk: GET /v1/users?limit=50 ----------------------------------------------------------
wait_for_quiet
log "(b) warm-up ${WARMUP}s (opens the pool's connections)"
BENCH_TOKENS="$TOKENS" wrk "${WRK_COMMON[@]}" -d "${WARMUP}s" -s "$BENCH_DIR/users.lua" "$BASE/v1/users?limit=50" \
  >"$WORK/wrk_users_warmup.out" 2>&1 || { cat "$WORK/wrk_users_warmup.out" >&2; die "wrk warm-up failed"; }
WARM_LINE=$(check_wrk "(b) warm-up" "$WORK/wrk_users_warmup.out")
DB_REQS=$((DB_REQS + $(kv requests "$WARM_LINE")))
sleep 0.5
wrk_scenario "(b)" users users.lua "$BASE/v1/users?limit=50" 1
B_LINE=$W_LINE; CPU_B_OWN=$W_CPU_OWN; CPU_B_FOREIGN=$W_CPU_FOREIGN; B_ATTEMPTS=$W_ATTEMPTS
B_REQ=$(kv requests "$B_LINE"); B_RPS=$(kv rps "$B_LINE"); B_P50=$(kv p50_us "$B_LINE"); B_P99=$(kv p99_us "$B_LINE")
read -r b0_out _ b0_n <<<"$W_SEG0"; read -r b1_out _ b1_n <<<"$W_SEG1"
if [ "$TRANSPORT" = tcp ] && [ "$b0_n" = "$b1_n" ] && [ "$b1_n" -gt 0 ]; then
  B_RT=$(awk -v d=$((b1_out - b0_out)) -v n="$B_REQ" 'BEGIN { printf "%.2f", d / n }')
  B_RT_NOTE="$((b1_out - b0_out)) segments client->server over $B_REQ requests ($b1_n pooled connections)"
else
  B_RT="n/a"; B_RT_NOTE="not measured (transport $TRANSPORT, or the pool opened connections during the run: $b0_n -> $b1_n)"
fi
log "(b) $B_RPS req/s, p50 $(ms "$B_P50") ms, p99 $(ms "$B_P99") ms; round trips/request $B_RT; CPU: ${CPU_B_OWN} cores bench, ${CPU_B_FOREIGN} others"

# 6. (c) wrk: GET /healthz --------------------------------------------------------------------
wrk_scenario "(c)" healthz healthz.lua "$BASE/healthz" 0
C_LINE=$W_LINE; CPU_C_OWN=$W_CPU_OWN; CPU_C_FOREIGN=$W_CPU_FOREIGN; C_ATTEMPTS=$W_ATTEMPTS
C_RPS=$(kv rps "$C_LINE"); C_P50=$(kv p50_us "$C_LINE"); C_P99=$(kv p99_us "$C_LINE")
log "(c) $C_RPS req/s, p50 $(ms "$C_P50") ms, p99 $(ms "$C_P99") ms; CPU: ${CPU_C_OWN} cores bench, ${CPU_C_FOREIGN} others"

stop_tenantd
wait_db_idle
XB1=$(db_xacts)
B_XPR=$(awk -v d=$((XB1 - XB0)) -v n="$DB_REQS" 'BEGIN { printf "%.3f", d / n }')
TENANTD_ERRORS=$(grep -c '"level":"\(error\|critical\)"' "$WORK/tenantd.log" || true)
[ "$TENANTD_ERRORS" = 0 ] || log "WARNING: tenantd logged $TENANTD_ERRORS error lines (see $WORK/tenantd.log)"

# 7. (a) second half, then (a) over both halves -----------------------------------------------
pgbench_half 2
A_RPS=$(awk -v n="$A_TX" -v s="$A_SECS" 'BEGIN { printf "%.1f", n / s }')
# p50/p99 from the per-transaction logs of both halves (field 3: latency in microseconds)
cat "$WORK"/pgbench_1_log.* "$WORK"/pgbench_2_log.* | awk '{ print $3 }' | sort -n >"$WORK/pgbench_latencies"
pct() { awk -v p="$1" '{ v[NR] = $1 } END { i = int(NR * p / 100 + 0.999999); if (i < 1) i = 1; print v[i] }' "$2"; }
A_P50=$(pct 50 "$WORK/pgbench_latencies"); A_P99=$(pct 99 "$WORK/pgbench_latencies")
A_LOGGED=$(wc -l <"$WORK/pgbench_latencies")
[ "$A_LOGGED" = "$A_TX" ] || log "note: pgbench logged $A_LOGGED transactions, reported $A_TX"
if [ "$TRANSPORT" = tcp ] && [ "$A_SEG_OK" = 1 ]; then
  A_RT=$(awk -v d="$A_SEG" -v n="$A_SEG_TX" 'BEGIN { printf "%.2f", d / n }')
  A_RT_NOTE="$A_SEG segments client->server over $A_SEG_TX transactions ($PGB_CLIENTS connections, middle half of each run)"
else
  A_RT="n/a"; A_RT_NOTE="not measured (transport $TRANSPORT, or not all connections open when sampled)"
fi
A_XPR=$(awk -v d="$A_XACTS" -v n=$((A_WARM_TX + A_TX)) 'BEGIN { printf "%.3f", d / n }')
CPU_A_OWN=$(printf '%.2f' "$A_CPU_OWN"); CPU_A_FOREIGN=$(printf '%.2f' "$A_CPU_FOREIGN")
log "(a) $A_RPS tps over both halves, p50 $(ms "$A_P50") ms, p99 $(ms "$A_P99") ms; round trips/tx $A_RT"

# 8. Report ------------------------------------------------------------------------------------
RATIO_BA=$(awk -v b="$B_RPS" -v a="$A_RPS" 'BEGIN { printf "%.2f", b / a }')
RATIO_BC=$(awk -v b="$B_RPS" -v c="$C_RPS" 'BEGIN { printf "%.2f", b / c }')
VERDICT=$(awk -v r="$RATIO_BA" 'BEGIN { print (r >= 0.6 ? "meets the target >= 0.6" : "BELOW the target >= 0.6") }')
REPORT=$(
  printf 'tenantd bench  %s  (%s cores; %s)\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$NCPU" "$(uname -r)"
  printf 'data: %s tenants x %s members (%s users, %s memberships) in %s, %s\n' \
    "$TENANTS" "$MEMBERS" "$n_users" "$n_members" "$BENCH_DB" "$LOAD_NOTE"
  printf 'tenantd (build/tenantd of %s): HTTP_THREADS=%s DB_POOL_SIZE=%s WORKERS=0 LOG_LEVEL=warn; PostgreSQL over %s\n' "$TENANTD_BUILT" "$THREADS" "$POOL" "$TRANSPORT"
  printf '(a) pgbench -M simple -c %s -j %s bench/users_list.pgbench (random tenant of %s), 2 x %ss: before and after (b)+(c)\n' \
    "$PGB_CLIENTS" "$PGB_JOBS" "$TENANTS" "$HALF"
  printf '(b) wrk -t %s -c %s -d %ss --latency bench/users.lua: GET /v1/users?limit=50, %s tenants'"'"' tokens rotating\n' \
    "$WRK_THREADS" "$CONNS" "$DURATION" "$TOKEN_TENANTS"
  printf '(c) wrk -t %s -c %s -d %ss --latency GET /healthz\n' "$WRK_THREADS" "$CONNS" "$DURATION"
  printf 'HTTP connections: %s\n' "$CONN_NOTE"
  echo
  flag() { awk -v f="$1" -v m="$MAX_FOREIGN" 'BEGIN { print (f > m ? "!" : " ") }'; }
  [ "$A_DISTURBED" = 1 ] && AF="!" || AF=" "
  printf '%-44s %12s %10s %10s %17s\n' scenario 'requests/s' 'p50 ms' 'p99 ms' 'CPU bench/other'
  printf '%-44s %12.1f %10s %10s %16s%s\n' '(a) pgbench: the SQL transaction (DB limit)' "$A_RPS" "$(ms "$A_P50")" "$(ms "$A_P99")" "$CPU_A_OWN/$CPU_A_FOREIGN" "$AF"
  printf '%-44s %12.1f %10s %10s %16s%s\n' '(b) wrk: GET /v1/users?limit=50' "$B_RPS" "$(ms "$B_P50")" "$(ms "$B_P99")" "$CPU_B_OWN/$CPU_B_FOREIGN" "$(flag "$CPU_B_FOREIGN")"
  printf '%-44s %12.1f %10s %10s %16s%s\n' '(c) wrk: GET /healthz (HTTP limit)' "$C_RPS" "$(ms "$C_P50")" "$(ms "$C_P99")" "$CPU_C_OWN/$CPU_C_FOREIGN" "$(flag "$CPU_C_FOREIGN")"
  if [ "$AF" = "!" ] || [ "$(flag "$CPU_B_FOREIGN")" = "!" ] || [ "$(flag "$CPU_C_FOREIGN")" = "!" ]; then
    printf '! other processes used more than %s cores during that run, also when measured again: disturbed figures\n' "$MAX_FOREIGN"
  fi
  echo
  printf 'ratio (b)/(a) = %s  (%s)\n' "$RATIO_BA" "$VERDICT"
  printf 'ratio (b)/(c) = %s\n' "$RATIO_BC"
  printf '(a) halves: %s\n' "$A_HALVES"
  printf 'attempts: (b) %s, (c) %s (a scenario disturbed by other processes is measured again)\n' "$B_ATTEMPTS" "$C_ATTEMPTS"
  printf 'statement check: %s\n' "$DRIFT_NOTE"
  printf '%s\n' "$PLAN_NOTE"
  echo
  printf 'PostgreSQL round trips per request, counted on the wire (TCP data segments client->server):\n'
  printf '  (b) tenantd: %s  [%s]\n' "$B_RT" "$B_RT_NOTE"
  printf '  (a) pgbench: %s  [%s]\n' "$A_RT" "$A_RT_NOTE"
  printf 'transactions per request (pg_stat_database xact_commit+xact_rollback delta on %s):\n' "$BENCH_DB"
  printf '  (b) tenantd: %s  [%s xacts / %s requests; includes the pool'"'"'s connection set-up]\n' "$B_XPR" "$((XB1 - XB0))" "$DB_REQS"
  printf '  (a) pgbench: %s  [%s xacts / %s transactions; includes one PREPARE per client]\n' "$A_XPR" "$A_XACTS" "$((A_WARM_TX + A_TX))"
  printf 'CPU: cores busy on average during each run, benchmark processes (tenantd, PostgreSQL, wrk,\n'
  printf 'pgbench) / other processes; "other" well above 0 means the figures are disturbed.\n'
  printf 'plan of users_list: bench/results/explain_users_list.txt; raw outputs: bench/results/{pgbench,wrk_users,wrk_healthz}.txt\n'
)
echo
echo "$REPORT"
echo "$REPORT" >"$RESULTS/latest.txt"
cp "$RESULTS/latest.txt" "$RESULTS/run-$(date -u +%Y%m%dT%H%M%SZ)-t$THREADS-p$POOL-c$CONNS-ka$KEEPALIVE.txt"
printf '%s\tthreads=%s\tpool=%s\tpgbench_c=%s\tconns=%s\tkeepalive=%s\ta=%s\tb=%s\tc=%s\tb/a=%s\tb/c=%s\ta_p50=%s\ta_p99=%s\tb_p50=%s\tb_p99=%s\tc_p50=%s\tc_p99=%s\trt=%s\tforeign=%s/%s/%s\n' \
  "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$THREADS" "$POOL" "$PGB_CLIENTS" "$CONNS" "$KEEPALIVE" "$A_RPS" "$B_RPS" "$C_RPS" "$RATIO_BA" "$RATIO_BC" \
  "$(ms "$A_P50")" "$(ms "$A_P99")" "$(ms "$B_P50")" "$(ms "$B_P99")" "$(ms "$C_P50")" "$(ms "$C_P99")" "$B_RT" \
  "$CPU_A_FOREIGN" "$CPU_B_FOREIGN" "$CPU_C_FOREIGN" >>"$RESULTS/history.tsv"
