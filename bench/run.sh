#!/usr/bin/env bash
# bench/run.sh (make bench): what isolation costs, measured against the database limit for the
# same answer in the same run.
#
#   (a) pgbench, ONE statement giving the answer of GET /v1/users?limit=50 (51 member rows)
#       with the tenant named explicitly, as a role that bypasses row-level security
#       (bench/users_list_limit.pgbench): the limit for this answer
#   (b) pgbench of tenantd's own call for that request: api.list_members(ctx, …) as tenantd_app
#       (bench/users_list.pgbench), the statement tenantd sends
#   (c) wrk against GET /v1/users?limit=50, tokens rotating over 1,000 tenants (bench/users.lua)
#   (d) wrk against POST /v1/invitations, admin tokens rotating, a new address per request
#       (bench/invitations.lua): a write route
#   (h) wrk against GET /healthz (bench/healthz.lua): the HTTP limit
#   (p) (c) again on a tenantd started with TENANT_RATE_LIMIT_ENABLED=false and
#       USAGE_METERING_ENABLED=false: (c)/(p) is the cost of the per-tenant rate limiter and the
#       api_calls counter (issue 10). The bench tenants' plan override gives them a rate limit so
#       high that (c) never meets it (every request still takes a token and gets RateLimit fields)
#       and no monthly invitation limit, so (d) is never refused.
#   (e) with BENCH_SCALE=1 only: the p50 of (b) at one client on 100,000 tenants x 100 members
#       (database tenantd_bench_scale, loaded once; takes long) divided by the same on the
#       1,000 x 1,000 database, measured small / large / small
#
# Order: (a) and (b) first halves, tenantd up, (c), (d), (h), tenantd down, tenantd up without
# the plan enforcement, (p), tenantd down, (a) and (b) second halves. The pgbench runs bracket the HTTP runs in time, so a machine that gets slower or faster
# during the run (other people's builds, a noisy neighbour) moves both sides of a ratio alike.
#
# It reports requests/s, p50 and p99 for each, the ratios (c)/(a), (b)/(a), (d)/(c) and
# (c)/(h), and the database round trips and transactions per request, counted on the wire
# (not assumed); bench/report.py writes the report to bench/results/latest.txt (bench/results/
# is git-ignored).
#
# Database: the embedded development cluster (scripts/db.sh; TENANTD_PG_DIR, TENANTD_PG_PORT),
# started if it is not running (and then stopped again at the end), database tenantd_bench,
# created, migrated and loaded with bench/load.sql (1,000 tenants x 1,000 members) on the first
# run only. DATABASE_URL from the environment is ignored: the bench always uses that cluster.
# Nothing here builds: `make bench` builds first.
#
# Settings (environment; defaults in brackets):
#   BENCH_TARGET [single]      single (the embedded cluster) or citus (see below)
#   BENCH_DB_POOL_SIZE [4]     tenantd DB_POOL_SIZE
#   BENCH_HTTP_THREADS [4]     tenantd HTTP_THREADS (Pistache threads; each runs its requests'
#                              database calls synchronously, so database concurrency is
#                              min(HTTP_THREADS, DB_POOL_SIZE))
#   BENCH_PGBENCH_CLIENTS [min(pool, threads)]  pgbench -c: the service's database concurrency
#   BENCH_CONNECTIONS [16]     wrk -c for (c), (d) and (h)
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
#   BENCH_E_SHARED_BUFFERS [3GB]  shared_buffers of the cluster while (e) is measured (machines
#                              with 8 GiB or more; reset afterwards), so both working sets are in
#                              PostgreSQL's buffers
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
SCALE=${BENCH_SCALE:-0}
SCALE_DB=tenantd_bench_scale
SCALE_TENANTS=100000
SCALE_MEMBERS=100

# BENCH_TARGET=citus: the same scenarios against a Citus cluster (scripts/citus-cluster.sh: a
# coordinator and two workers under var/citus-bench, kept between runs like the embedded cluster
# and stopped at the end), database tenantd distributed by citus/distribute.sql before the load;
# tenantd and pgbench talk to the coordinator. BENCH_SCALE is for the single node only.
TARGET=${BENCH_TARGET:-single}
CITUS_DIR="$ROOT/var/citus-bench"
case "$TARGET" in
  single) ;;
  citus)
    [ "${BENCH_SCALE:-0}" = 0 ] || { echo "bench: BENCH_SCALE=1 is not supported with BENCH_TARGET=citus" >&2; exit 1; }
    "$ROOT/scripts/citus-build.sh" >&2
    "$ROOT/scripts/citus-cluster.sh" start "$CITUS_DIR" >/dev/null
    TENANTD_PG_DIR="$CITUS_DIR/coordinator"
    TENANTD_PG_PORT=$("$ROOT/scripts/citus-cluster.sh" port "$CITUS_DIR")
    BENCH_DB=tenantd ;;
  *) echo "bench: BENCH_TARGET must be single or citus" >&2; exit 1 ;;
esac

PG_DIR=$(mkdir -p "$TENANTD_PG_DIR" && cd "$TENANTD_PG_DIR" && pwd)
PG_PORT=$TENANTD_PG_PORT
PG_SOCK="$PG_DIR/run"
WORK="$ROOT/var/bench"            # per-run scratch: tokens, logs (git-ignored, under var/)
RESULTS="$BENCH_DIR/results"
RAW="$WORK/raw"                   # this run's raw outputs and facts.tsv, read by bench/report.py
REPORT_PY="$BENCH_DIR/report.py"
export BENCH_LUA_DIR="$BENCH_DIR"   # the wrk scripts load their shared done() from here
rm -rf "$RAW"
mkdir -p "$WORK" "$RESULTS" "$RAW"
FACTS="$RAW/facts.tsv"
: >"$FACTS"
# fact KEY VALUE: one measured value or setting for bench/report.py (tabs and newlines flattened)
fact() { printf '%s\t%s\n' "$1" "$(tr '\t\n' '  ' <<<"$2" | sed 's/ *$//')" >>"$FACTS"; }

log() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { printf '\nbench: FAILED: %s\n' "$*" >&2; exit 1; }

for tool in wrk curl jq ss awk python3 "$PGBIN/pgbench" "$PGBIN/psql" "$PGBIN/pg_ctl"; do
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
# (e)'s shared_buffers back to the cluster's own setting (restarted when this run did not start it)
E_SB_SET=0
reset_e_buffers() {
  [ "$E_SB_SET" = 1 ] || return 0
  E_SB_SET=0
  psql_super -d postgres -c "alter system reset shared_buffers" >/dev/null || return 0
  if [ "$STARTED_CLUSTER" = 0 ]; then
    "$ROOT/scripts/db.sh" stop "$PG_DIR" >/dev/null && "$ROOT/scripts/db.sh" start "$PG_DIR" "$PG_PORT" >/dev/null || true
  fi
}
cleanup() {
  stop_tenantd
  reset_e_buffers
  if [ "$TARGET" = citus ]; then
    log "stopping the Citus cluster"
    "$ROOT/scripts/citus-cluster.sh" stop "$CITUS_DIR" || true
  elif [ "$STARTED_CLUSTER" = 1 ]; then
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
# The postmasters whose work is the benchmark's: the cluster tenantd talks to and, on Citus, the
# two workers that answer its coordinator (counted as "other" processes, a Citus run looked
# disturbed by its own workers).
postmaster_pids() {
  postmaster_pid
  if [ "$TARGET" = citus ]; then
    local w
    for w in worker1 worker2; do head -1 "$CITUS_DIR/$w/data/postmaster.pid" 2>/dev/null || echo 0; done
  fi
}
# CPU ticks used so far by the benchmark's own processes: this shell's reaped children (wrk,
# pgbench, curl...), tenantd, and the cluster (each postmaster, its live children, its reaped
# ones).
own_ticks() {
  local pm total c
  total=$(( $(proc_ticks $$ all) - $(proc_ticks $$) ))
  [ -n "$TENANTD_PID" ] && total=$(( total + $(proc_ticks "$TENANTD_PID") ))
  for pm in $(postmaster_pids); do
    [ "$pm" != 0 ] || continue
    total=$(( total + $(proc_ticks "$pm" all) ))
    for c in $(ps --ppid "$pm" -o pid= 2>/dev/null); do
      total=$(( total + $(proc_ticks "$c") ))
    done
  done
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

# check pgbench|wrk FILE: bench/report.py validates one raw output and prints a one-line summary
check() { python3 "$REPORT_PY" check "$1" "$2" || die "$1 failed (see $2)"; }
# true when FOREIGN cores (from cpu_report) exceed BENCH_MAX_FOREIGN: the run was disturbed
disturbed() { awk -v f="$1" -v m="$MAX_FOREIGN" 'BEGIN { exit !(f > m) }'; }

# ---------------------------------------------------------------------------------------------
log "machine: $NCPU cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo); load average $(cut -d' ' -f1-3 /proc/loadavg)"

# 1. The embedded cluster and the bench database -----------------------------------------------
if ! as_pg "$PGBIN/pg_ctl" -D "$PG_DIR/data" status >/dev/null 2>&1; then STARTED_CLUSTER=1; fi
log "cluster: $PG_DIR port $PG_PORT$([ "$STARTED_CLUSTER" = 1 ] && echo ' (starting it; stopped again at the end)' || echo ' (already running)')"
"$ROOT/scripts/db.sh" init "$PG_DIR" "$PG_PORT" >/dev/null

# prepare_db DB TENANTS MEMBERS: create, migrate and (once) load a bench database
prepare_db() {
  local db=$1 tenants=$2 members=$3 loaded note t0
  if [ -z "$(sql_value "select 1 from pg_database where datname = '$db'")" ]; then
    log "creating database $db (owner tenantd_migrator)"
    psql_super -d postgres -c "create database $db owner tenantd_migrator"
  fi
  log "migrating $db"
  "$TENANTD" migrate up --dir "$ROOT" --database-url "postgresql:///$db?host=$PG_SOCK&port=$PG_PORT&user=tenantd_migrator" \
    >"$WORK/migrate.log" 2>&1 || { cat "$WORK/migrate.log" >&2; die "migrate up failed on $db"; }
  if [ "$TARGET" = citus ]; then
    log "distributing $db (citus/distribute.sql)"
    psql -X -q -v ON_ERROR_STOP=1 -d "postgresql:///$db?host=$PG_SOCK&port=$PG_PORT&user=tenantd_migrator" \
      -f "$ROOT/citus/distribute.sql" >"$WORK/distribute.log" 2>&1 || { cat "$WORK/distribute.log" >&2; die "distribution failed on $db"; }
  fi
  loaded=$(psql_super -d "$db" -At -c "select count(*) from tenantd.tenants where slug like 'bench-%'")
  note="already loaded"
  if [ "$loaded" != "$tenants" ]; then
    [ "$loaded" = 0 ] || die "$db holds $loaded bench tenants, expected 0 or $tenants: drop it (psql -c 'drop database $db') and rerun"
    log "loading $tenants tenants x $members members into $db (bench/load.sql, one-time)"
    t0=$(date +%s)
    psql_super -d "$db" -v tenants="$tenants" -v members="$members" <"$BENCH_DIR/load.sql"
    note="loaded this run in $(( $(date +%s) - t0 )) s"
    log "$note"
  fi
  # a vacuum interrupted after the load would leave the planner without statistics
  if [ "$(psql_super -d "$db" -At -c "select count(*) from pg_stats where schemaname = 'tenantd' and tablename = 'memberships'")" = 0 ]; then
    log "no planner statistics on memberships in $db: running vacuum (analyze)"
    psql_super -d "$db" -c "vacuum (analyze) tenantd.users, tenantd.memberships, tenantd.tenants"
  fi
  # (a)'s role: reads the members' table past row-level security (BYPASSRLS), nothing else.
  # Development password of the embedded cluster, like the service roles'.
  psql_super -d "$db" -c "do \$\$ begin
      if not exists (select 1 from pg_roles where rolname = 'tenantd_bench_limit') then
        create role tenantd_bench_limit login bypassrls password 'tenantd_bench_limit';
      end if; end \$\$;
    grant usage on schema tenantd to tenantd_bench_limit;
    grant select on tenantd.memberships to tenantd_bench_limit;" >/dev/null
  LOAD_NOTE=$note
}
prepare_db "$BENCH_DB" "$TENANTS" "$MEMBERS"
read -r n_users n_members < <(psql_super -d "$BENCH_DB" -At -F' ' -c \
  "select (select count(*) from tenantd.users), (select count(*) from tenantd.memberships)")
log "data: $TENANTS bench tenants, $n_users users, $n_members memberships ($LOAD_NOTE)"
MAIN_LOAD_NOTE=$LOAD_NOTE
# Plans (issue 10): the bench tenants are on the free plan; their override keeps the rate limit
# on but out of reach and lifts the monthly invitation limit (re-applied every run: idempotent).
psql_super -d "$BENCH_DB" -c "insert into tenantd.entitlement_overrides (tenant_id, limits, reason)
    select id, '{\"api_requests_per_minute\": 100000000, \"invitations_per_month\": null}', 'bench'
      from tenantd.tenants where slug like 'bench-%'
    on conflict (tenant_id) do update set limits = excluded.limits, reason = excluded.reason" >/dev/null
if [ "$SCALE" = 1 ]; then
  prepare_db "$SCALE_DB" "$SCALE_TENANTS" "$SCALE_MEMBERS"
  SCALE_LOAD_NOTE=$LOAD_NOTE
fi

# How the app role connects, for pgbench and for tenantd alike.
if [ "$TRANSPORT" = tcp ]; then
  APP_HOST=127.0.0.1
  APP_URL="postgresql://tenantd_app@127.0.0.1:$PG_PORT/$BENCH_DB"
else
  APP_HOST=$PG_SOCK
  APP_URL="postgresql:///$BENCH_DB?host=$PG_SOCK&port=$PG_PORT&user=tenantd_app"
fi
# development passwords of the embedded cluster (migrations/0001, prepare_db), by user
export PGPASSFILE="$WORK/pgpass"
printf '127.0.0.1:%s:*:tenantd_app:tenantd_app\n127.0.0.1:%s:*:tenantd_bench_limit:tenantd_bench_limit\n127.0.0.1:%s:*:tenantd_worker:tenantd_worker\n' \
  "$PG_PORT" "$PG_PORT" "$PG_PORT" >"$PGPASSFILE"
chmod 600 "$PGPASSFILE"
app_psql() { "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$APP_HOST" -p "$PG_PORT" -U tenantd_app -d "$BENCH_DB" "$@"; }

# 2. Check the call, and keep its plans -------------------------------------------------------
# bench/users_list.pgbench calls the api.* function tenantd calls for the request, so there is no
# copy of a statement that could drift from the source. Its statement, run once by psql: it must
# answer 200 with 50 members of the right tenant (a silently empty answer would make the database
# look fast).
CALL_SQL=$(grep -v -e '^--' -e '^\\' "$BENCH_DIR/users_list.pgbench")
[ -n "$CALL_SQL" ] || die "bench/users_list.pgbench holds no statement"
CALL_FN=$(grep -o 'api\.[a-z_]*' <<<"$CALL_SQL" | head -1)
DRIFT_NOTE="none needed: bench/users_list.pgbench calls ${CALL_FN:-<no api function>}, as tenantd does"
call_for() { sed "s/:t\b/$1/g" <<<"$CALL_SQL"; }
check_call() {  # tenant number -> "<status> <emails of that tenant in the answer>"
  app_psql -At -F' ' -c "$(call_for "$1")" | awk -v dom="@bench-$1.example.com" '{ print $1, split($0, a, dom) - 1; exit }'
}
for t in 1 $TENANTS; do
  got=$(check_call "$t" || true)
  [ "$got" = "200 50" ] || die "the pgbench call for tenant $t answered '$got' (status, members of tenant $t; expected '200 50')"
done
log "pgbench call checked: 200, 50 members of the right tenant"
LIMIT_SQL=$(grep -v -e '^--' -e '^\\' "$BENCH_DIR/users_list_limit.pgbench" | sed "s/:t\b/1/g")
rows=$("$PGBIN/psql" -X -q -At -h "$APP_HOST" -p "$PG_PORT" -U tenantd_bench_limit -d "$BENCH_DB" -c "$LIMIT_SQL" | grep -c "@bench-1\.example\.com")
[ "$rows" = 51 ] || die "the limit statement (a) answered $rows rows of tenant 1, expected 51"
# The plans of the statements inside the call, under row-level security: auto_explain (loaded by
# the superuser for this session only) prints them to the client as the app role runs the call.
psql_super -d "$BENCH_DB" >"$RESULTS/explain_users_list.txt" 2>&1 <<SQL || true
load 'auto_explain';
set auto_explain.log_min_duration = 0;
set auto_explain.log_nested_statements = on;
set auto_explain.log_analyze = on;
set auto_explain.log_buffers = on;
set auto_explain.log_level = notice;
set role tenantd_app;
\\o /dev/null
$(call_for 7)
\\o
SQL
PLAN_TIME=$(grep -m1 'Planning Time' "$RESULTS/explain_users_list.txt" | sed 's/^ *//' || true)
PLAN_NOTE="plans inside $CALL_FN: bench/results/explain_users_list.txt (auto_explain, one call)${PLAN_TIME:+; first $PLAN_TIME}"
log "$PLAN_NOTE"

# 3. (a) and (b) pgbench, first halves --------------------------------------------------------
# (a): the limit, as tenantd_bench_limit (bypasses RLS); (b): tenantd's call, as tenantd_app.
# Both over the same transport, prepared, with the service's database concurrency.
pgb_args() {  # key -> pgbench arguments without -T
  local script user
  case "$1" in
    a) script=users_list_limit.pgbench; user=tenantd_bench_limit ;;
    b) script=users_list.pgbench; user=tenantd_app ;;
  esac
  echo -n "-n -M prepared -f $BENCH_DIR/$script -D tenants=$TENANTS -c $PGB_CLIENTS -j $PGB_JOBS -h $APP_HOST -p $PG_PORT -U $user $BENCH_DB"
}
HALF=$(awk -v d="$DURATION" 'BEGIN { h = int(d / 2 + 0.5); print (h < 2 ? 2 : h) }')
mid_time() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", (a + b) / 2 }'; }
# One half of a pgbench scenario, measured again (once by default) when other processes took
# more than BENCH_MAX_FOREIGN cores. Raw files pgbench_<key>.<half>.<attempt>.{warmup.out,out,log.*};
# facts <key>.<half>.<attempt>.{x0,x1,seg1,t1,seg2,t2,cpu}.
pgbench_half() {  # key half
  local key=$1 half=$2 attempt=0 pid s1 s2 t_a t_b cpu_line cpu_foreign summary base raw
  local -a args
  read -r -a args <<<"$(pgb_args "$key")"
  while :; do
  attempt=$((attempt + 1))
  base="$key.$half.$attempt"; raw="$RAW/pgbench_$key.$half.$attempt"
  wait_for_quiet
  log "($key/$half) pgbench warm-up ${WARMUP}s"
  fact "$base.x0" "$(db_xacts)"
  "$PGBIN/pgbench" "${args[@]}" -T "$WARMUP" >"$raw.warmup.out" 2>&1 ||
    { cat "$raw.warmup.out" >&2; die "pgbench warm-up failed"; }
  wait_db_idle; sleep 0.3   # warm-up backends reaped before the CPU accounting starts
  log "($key/$half) pgbench -c $PGB_CLIENTS -j $PGB_JOBS -T $HALF -M prepared$([ "$attempt" -gt 1 ] && echo " (attempt $attempt)")"
  cpu_mark
  ( cd "$RAW" && exec "$PGBIN/pgbench" "${args[@]}" -T "$HALF" --log --log-prefix="pgbench_$key.$half.$attempt.log" ) \
    >"$raw.out" 2>&1 &
  pid=$!
  # Round-trip counters sampled at 1/4 and 3/4 of the run (all connections open, none being set
  # up); sample time = midpoint of the ss call, matched against the log's completion times.
  sleep "$(awk -v d="$HALF" 'BEGIN { print d / 4 }')"
  t_a=$(date +%s.%N); s1=$(tcp_segs "$pid"); t_b=$(date +%s.%N)
  fact "$base.seg1" "$s1"; fact "$base.t1" "$(mid_time "$t_a" "$t_b")"
  sleep "$(awk -v d="$HALF" 'BEGIN { print d / 2 }')"
  t_a=$(date +%s.%N); s2=$(tcp_segs "$pid"); t_b=$(date +%s.%N)
  fact "$base.seg2" "$s2"; fact "$base.t2" "$(mid_time "$t_a" "$t_b")"
  wait "$pid" || { cat "$raw.out" >&2; die "pgbench failed"; }
  cpu_end
  wait_db_idle; sleep 0.3   # the backends' CPU time reaches the postmaster when it reaps them
  cpu_line=$(cpu_report)
  fact "$base.cpu" "$cpu_line"
  fact "$base.x1" "$(db_xacts)"
  summary=$(check pgbench "$raw.out")
  read -r _ _ cpu_foreign <<<"$cpu_line"
  if disturbed "$cpu_foreign" && [ "$attempt" -le "$RETRIES" ]; then
    log "($key/$half) disturbed: other processes used $cpu_foreign cores ($summary); measuring again"
    continue
  fi
  log "($key/$half) $summary; CPU (busy bench others): $cpu_line"
  return 0
  done
}
pgbench_half a 1
pgbench_half b 1

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
# (d): each tenant's admin (member 1, tenant_admin), who may invite
ADMIN_TOKENS="$WORK/admin_tokens.txt"
psql_super -d postgres -At -F' ' -c "select t, md5('bench-user-' || t || '-1')::uuid, md5('bench-tenant-' || t)::uuid
  from generate_series(1, $TOKEN_TENANTS) t" >"$WORK/admin_token_subjects.txt"
xargs -P 2 -n 3 sh -c 'echo "$1 $("$0" token --sub "$2" --tenant "$3" --role tenant_admin --ttl 3600)"' "$TENANTD" \
  <"$WORK/admin_token_subjects.txt" | sort -n | cut -d' ' -f2 >"$ADMIN_TOKENS.tmp"
[ "$(grep -c . "$ADMIN_TOKENS.tmp")" = "$TOKEN_TENANTS" ] || die "admin token minting failed"
mv "$ADMIN_TOKENS.tmp" "$ADMIN_TOKENS"

PORT=$(free_port) || die "no free TCP port found"
log "starting tenantd on 127.0.0.1:$PORT: HTTP_THREADS=$THREADS DB_POOL_SIZE=$POOL WORKERS=0 LOG_LEVEL=warn, database $BENCH_DB as tenantd_app over $TRANSPORT"
fact tenantd.x0 "$(db_xacts)"
# WORKERS=0: no background job workers in this process (they poll the database on their own
# connections, which would blur the per-request counts); the bench measures the HTTP path.
# The usage flush (every USAGE_FLUSH_SECONDS, default 5) writes as tenantd_worker into the bench
# database. start_tenantd [VAR=value…]: extra environment (the plan switches of (p)).
WORKER_URL=${APP_URL/tenantd_app/tenantd_worker}
start_tenantd() {
  env DATABASE_URL="$APP_URL" WORKER_DATABASE_URL="$WORKER_URL" LISTEN_ADDR="127.0.0.1:$PORT" \
    HTTP_THREADS="$THREADS" DB_POOL_SIZE="$POOL" WORKERS=0 LOG_LEVEL=warn MIGRATIONS_DIR="$ROOT/migrations" \
    "$@" "$TENANTD" serve >>"$WORK/tenantd.log" 2>&1 &
  TENANTD_PID=$!
  for i in $(seq 1 100); do
    curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null && break
    kill -0 "$TENANTD_PID" 2>/dev/null || { cat "$WORK/tenantd.log" >&2; die "tenantd exited at start-up"; }
    [ "$i" = 100 ] && die "tenantd did not answer /healthz within 10 s"
    sleep 0.1
  done
}
BASE="http://127.0.0.1:$PORT"
: >"$WORK/tenantd.log"
start_tenantd

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
fact sample_requests "$SAMPLES"   # requests of tenantd that reached the database (transactions per request)
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

# One wrk scenario, measured again (once by default) when other processes took more than
# BENCH_MAX_FOREIGN cores during it. Raw files <raw>.<attempt>.out; facts
# <key>.<attempt>.{seg0,seg1,cpu} (seg*: tenantd's PostgreSQL segment counters around the run).
wrk_scenario() {  # key raw lua-script url [tokens-file]
  local key=$1 raw=$2 script=$3 url=$4 tokens=${5:-$TOKENS} attempt=0 cpu_line cpu_foreign summary
  while :; do
    attempt=$((attempt + 1))
    wait_for_quiet
    log "($key) wrk -t $WRK_THREADS -c $CONNS -d ${DURATION}s $url$([ "$attempt" -gt 1 ] && echo " (attempt $attempt)")"
    fact "$key.$attempt.seg0" "$(tcp_segs "$TENANTD_PID")"
    cpu_mark
    BENCH_TOKENS="$tokens" BENCH_RUN_ID="$RUN_ID.$attempt" wrk "${WRK_COMMON[@]}" -d "${DURATION}s" -s "$BENCH_DIR/$script" "$url" \
      >"$RAW/$raw.$attempt.out" 2>&1 || { cat "$RAW/$raw.$attempt.out" >&2; die "($key) wrk failed"; }
    cpu_line=$(cpu_since_mark)
    fact "$key.$attempt.cpu" "$cpu_line"
    sleep 0.5   # requests still in flight when wrk stopped finish
    fact "$key.$attempt.seg1" "$(tcp_segs "$TENANTD_PID")"
    summary=$(check wrk "$RAW/$raw.$attempt.out")
    read -r _ _ cpu_foreign <<<"$cpu_line"
    if disturbed "$cpu_foreign" && [ "$attempt" -le "$RETRIES" ]; then
      log "($key) disturbed: other processes used $cpu_foreign cores ($summary); measuring again"
      continue
    fi
    log "($key) $summary; CPU (busy bench others): $cpu_line"
    return 0
  done
}

# 5. (c) wrk: GET /v1/users?limit=50 ----------------------------------------------------------
RUN_ID=$(date +%s)
wait_for_quiet
log "(c) warm-up ${WARMUP}s (opens the pool's connections)"
BENCH_TOKENS="$TOKENS" wrk "${WRK_COMMON[@]}" -d "${WARMUP}s" -s "$BENCH_DIR/users.lua" "$BASE/v1/users?limit=50" \
  >"$RAW/wrk_users.warmup.out" 2>&1 || { cat "$RAW/wrk_users.warmup.out" >&2; die "wrk warm-up failed"; }
check wrk "$RAW/wrk_users.warmup.out" >/dev/null
sleep 0.5
wrk_scenario c wrk_users users.lua "$BASE/v1/users?limit=50"

# 6. (d) wrk: POST /v1/invitations, a new address per request -------------------------------
# One sample first: 201 and a token in the answer.
code=$(curl -sS -o "$WORK/sample_invite.json" -w '%{http_code}' -X POST -H "Authorization: Bearer $(head -1 "$ADMIN_TOKENS")" \
  -H 'Content-Type: application/json' -d "{\"email\":\"sample-$RUN_ID@bench-invites.example.com\",\"role\":\"member\"}" \
  "$BASE/v1/invitations")
SAMPLES=$((SAMPLES + 1))
fact sample_requests "$SAMPLES"
[ "$code" = 201 ] && jq -e '.token | length == 43' "$WORK/sample_invite.json" >/dev/null ||
  die "sample POST /v1/invitations answered $code: $(head -c 300 "$WORK/sample_invite.json")"
wrk_scenario d wrk_invitations invitations.lua "$BASE/v1/invitations" "$ADMIN_TOKENS"

# 7. (h) wrk: GET /healthz --------------------------------------------------------------------
wrk_scenario h wrk_healthz healthz.lua "$BASE/healthz"

stop_tenantd
wait_db_idle
fact tenantd.x1 "$(db_xacts)"

# 7b. (p) wrk: (c) with the per-tenant rate limit and the usage counter switched off ------------
log "restarting tenantd with TENANT_RATE_LIMIT_ENABLED=false USAGE_METERING_ENABLED=false for (p)"
start_tenantd TENANT_RATE_LIMIT_ENABLED=false USAGE_METERING_ENABLED=false
BENCH_TOKENS="$TOKENS" wrk "${WRK_COMMON[@]}" -d "${WARMUP}s" -s "$BENCH_DIR/users.lua" "$BASE/v1/users?limit=50" \
  >"$RAW/wrk_users_noplans.warmup.out" 2>&1 || { cat "$RAW/wrk_users_noplans.warmup.out" >&2; die "(p) warm-up failed"; }
sleep 0.5
wrk_scenario p wrk_users_noplans users.lua "$BASE/v1/users?limit=50"
stop_tenantd
wait_db_idle
TENANTD_ERRORS=$(grep -c '"level":"\(error\|critical\)"' "$WORK/tenantd.log" || true)
[ "$TENANTD_ERRORS" = 0 ] || log "WARNING: tenantd logged $TENANTD_ERRORS error lines (see $WORK/tenantd.log)"

# 8. (a) and (b) second halves -------------------------------------------------------------------
pgbench_half b 2
pgbench_half a 2

# 9. (e) with BENCH_SCALE=1: (b) at one client, small / large / small --------------------------
# p50 of the call at one client (no queueing, the latency of the work itself) on 1,000 x 1,000
# and on 100,000 x 100, the small one measured before and after the large one.
p50_one_client() {  # label db tenants
  local label=$1 db=$2 tenants=$3
  wait_for_quiet
  "$PGBIN/pgbench" -n -M prepared -f "$BENCH_DIR/users_list.pgbench" -D tenants="$tenants" -c 1 -j 1 \
    -h "$APP_HOST" -p "$PG_PORT" -U tenantd_app -T "$WARMUP" "$db" >"$RAW/pgbench_e.$label.warmup.out" 2>&1 ||
    { cat "$RAW/pgbench_e.$label.warmup.out" >&2; die "(e) warm-up on $db failed"; }
  ( cd "$RAW" && exec "$PGBIN/pgbench" -n -M prepared -f "$BENCH_DIR/users_list.pgbench" -D tenants="$tenants" \
      -c 1 -j 1 -h "$APP_HOST" -p "$PG_PORT" -U tenantd_app -T "$HALF" --log --log-prefix="pgbench_e.$label.log" "$db" ) \
    >"$RAW/pgbench_e.$label.out" 2>&1 || { cat "$RAW/pgbench_e.$label.out" >&2; die "(e) pgbench on $db failed"; }
  fact "e.p50_$label" "$(python3 "$REPORT_PY" check p50 "$RAW/pgbench_e.$label.log")"
  log "(e) $label ($db): p50 $(python3 "$REPORT_PY" check p50 "$RAW/pgbench_e.$label.log") us"
}
if [ "$SCALE" = 1 ]; then
  got=$(app_psql -d "$SCALE_DB" -At -F' ' -c "$(call_for "$SCALE_TENANTS")" | awk -v dom="@bench-$SCALE_TENANTS.example.com" '{ print $1, split($0, a, dom) - 1; exit }')
  [ "$got" = "200 50" ] || die "the call on $SCALE_DB answered '$got' (expected '200 50')"
  # Both databases' working set of this call in PostgreSQL's shared buffers first (pg_prewarm:
  # the member list's covering key index, migration 0110, and the tenants table and key), as on
  # a database server sized to hold its hot indexes. Without it (e) measures this machine's disk
  # and page cache, not the plan: at 100,000 x 100 the 1.7 GB key index was read at random from
  # disk (about 2 block reads a call, 0.94 ms against 0.21 ms for one tenant called again and
  # again), and with it only in the OS page cache (the embedded cluster's 256 MB of shared
  # buffers) each of the call's few buffer misses still cost a read system call (ratio 1.28).
  # So for (e) the cluster runs with E_SHARED_BUFFERS (ALTER SYSTEM, restart), reset again
  # afterwards (also on failure: cleanup). Machines with less memory keep the page-cache prewarm.
  E_SB=${BENCH_E_SHARED_BUFFERS:-3GB}
  mem_gib=$(awk '/MemTotal/ { printf "%d", $2 / 1048576 }' /proc/meminfo)
  prewarm_mode=read
  if [ "$TARGET" = single ] && [ "$mem_gib" -ge 8 ]; then
    log "(e) restarting the cluster with shared_buffers = $E_SB"
    psql_super -d postgres -c "alter system set shared_buffers = '$E_SB'" >/dev/null
    E_SB_SET=1
    "$ROOT/scripts/db.sh" stop "$PG_DIR" >/dev/null && "$ROOT/scripts/db.sh" start "$PG_DIR" "$PG_PORT" >/dev/null ||
      die "restarting the cluster with shared_buffers = $E_SB failed"
    prewarm_mode=buffer
  fi
  fact e.buffers "shared_buffers $(sql_value "show shared_buffers"), pg_prewarm '$prewarm_mode'"
  for db in "$BENCH_DB" "$SCALE_DB"; do
    psql_super -d "$db" -c "create extension if not exists pg_prewarm" \
      -c "select pg_prewarm('tenantd.memberships_tenant_id_user_id_key', '$prewarm_mode'), pg_prewarm('tenantd.tenants', '$prewarm_mode'),
                 pg_prewarm('tenantd.tenants_pkey', '$prewarm_mode')" >/dev/null || die "pg_prewarm failed on $db"
  done
  p50_one_client small1 "$BENCH_DB" "$TENANTS"
  p50_one_client scale "$SCALE_DB" "$SCALE_TENANTS"
  p50_one_client small2 "$BENCH_DB" "$TENANTS"
  fact e.scale_shape "$SCALE_TENANTS x $SCALE_MEMBERS"
  fact e.load_note "$SCALE_DB $SCALE_LOAD_NOTE"
  reset_e_buffers
fi

# 10. Report: bench/report.py --------------------------------------------------------------------
fact ncpu "$NCPU"; fact kernel "$(uname -r)"
fact tenants "$TENANTS"; fact members "$MEMBERS"; fact n_users "$n_users"; fact n_members "$n_members"
fact bench_db "$BENCH_DB"; fact load_note "$MAIN_LOAD_NOTE"; fact tenantd_built "$TENANTD_BUILT"
fact threads "$THREADS"; fact pool "$POOL"; fact transport "$TRANSPORT"; fact keepalive "$KEEPALIVE"
fact pgbench_mode prepared; fact pgbench_clients "$PGB_CLIENTS"; fact pgbench_jobs "$PGB_JOBS"; fact half "$HALF"
fact wrk_threads "$WRK_THREADS"; fact connections "$CONNS"; fact duration "$DURATION"
fact token_tenants "$TOKEN_TENANTS"; fact conn_note "$CONN_NOTE"; fact max_foreign "$MAX_FOREIGN"
fact drift_note "$DRIFT_NOTE"; fact plan_note "$PLAN_NOTE"
python3 "$REPORT_PY" report "$RAW" "$RESULTS" || die "bench/report.py failed on $RAW"
