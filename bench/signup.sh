#!/usr/bin/env bash
# bench/signup.sh (make bench-signup): sign-up throughput on this machine.
#   N sign-ups (BENCH_SIGNUPS, default 1000) through POST /v1/signup with wrk; tenantd's own job
#   workers provision them. Reports the 202's p50 and p99 (wrk), and tenants fully active per
#   second = N / (last activated_at - first created_at), read from the database's own timestamps.
# Uses the embedded cluster (started if needed) and a fresh database tenantd_bench_signup.
# Defaults: one client connection (a sequential stream of sign-ups) and one job worker; set
# BENCH_CONNECTIONS, BENCH_WRK_THREADS, BENCH_WORKERS, BENCH_HTTP_THREADS, BENCH_DB_POOL_SIZE to vary.
# This script only starts processes and collects their outputs (var/bench-signup/raw/: wrk's
# output and facts.tsv); bench/report.py signup computes and writes the report.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
unset DATABASE_URL MIGRATE_DATABASE_URL
source "$ROOT/scripts/env.sh"
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
N=${BENCH_SIGNUPS:-1000}
WORKERS=${BENCH_WORKERS:-1}
THREADS=${BENCH_HTTP_THREADS:-4}
POOL=${BENCH_DB_POOL_SIZE:-8}
CONNS=${BENCH_CONNECTIONS:-1}
DB=tenantd_bench_signup
RESULTS="$BENCH_DIR/results"
WORK="$ROOT/var/bench-signup"
RAW="$WORK/raw"
rm -rf "$RAW"
mkdir -p "$RESULTS" "$WORK" "$RAW"
FACTS="$RAW/facts.tsv"
: >"$FACTS"
fact() { printf '%s\t%s\n' "$1" "$2" >>"$FACTS"; }
log() { printf '[bench-signup %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

"$ROOT/scripts/db.sh" init "$TENANTD_PG_DIR" "$TENANTD_PG_PORT" >/dev/null
SOCK="$TENANTD_PG_DIR/run"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
psql_super() { as_pg "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$SOCK" -p "$TENANTD_PG_PORT" -U postgres "$@"; }
url() { echo "postgresql:///$DB?host=$SOCK&port=$TENANTD_PG_PORT&user=$1"; }

log "fresh database $DB"
psql_super -d postgres -c "drop database if exists $DB with (force)" -c "create database $DB owner tenantd_migrator"
"$BUILD_DIR/tenantd" migrate up --dir "$ROOT" --database-url "$(url tenantd_migrator)" >/dev/null

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
DATABASE_URL=$(url tenantd_app) WORKER_DATABASE_URL=$(url tenantd_worker) JWT_HS256_SECRET=$(openssl rand -hex 32) LISTEN_ADDR=127.0.0.1:$PORT \
  WORKERS=$WORKERS HTTP_THREADS=$THREADS DB_POOL_SIZE=$POOL LOG_LEVEL=warn SIGNUP_RATE_PER_MINUTE=1000000 \
  JOB_POLL_MS=200 MIGRATIONS_DIR="$ROOT/migrations" "$BUILD_DIR/tenantd" serve >"$WORK/tenantd.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done

RUN=$(date +%s)
WRK_THREADS=${BENCH_WRK_THREADS:-1}
SHARE=$(( (N + WRK_THREADS - 1) / WRK_THREADS ))
log "$N sign-ups: wrk -t$WRK_THREADS -c$CONNS; tenantd WORKERS=$WORKERS HTTP_THREADS=$THREADS DB_POOL_SIZE=$POOL"
wrk -t$WRK_THREADS -c"$CONNS" -d300s --latency -s "$BENCH_DIR/signup.lua" "http://127.0.0.1:$PORT" -- "$RUN" "$SHARE" \
  >"$RAW/wrk_signup.out" &
WRK=$!
# wrk runs for its whole duration even when every thread stopped; interrupt it (it then prints
# its statistics) once all sign-ups are in the database.
for _ in $(seq 1 3000); do
  n=$(psql_super -d "$DB" -At -c "select count(*) from tenantd.tenants where slug like 'bsu-$RUN-%'")
  [ "$n" -ge $((SHARE * WRK_THREADS)) ] && break
  kill -0 $WRK 2>/dev/null || break
  sleep 0.1
done
sleep 0.5
kill -INT $WRK 2>/dev/null || true
wait $WRK || true
log "waiting for provisioning to finish"
for _ in $(seq 1 600); do
  left=$(psql_super -d "$DB" -At -c "select count(*) from tenantd.tenants where slug like 'bsu-$RUN-%' and status <> 'active'")
  [ "$left" = 0 ] && break
  sleep 0.5
done
read -r made active failed span <<<"$(psql_super -d "$DB" -At -F ' ' -c "
  select count(*), count(*) filter (where status = 'active'), count(*) filter (where status = 'failed'),
         extract(epoch from max(activated_at) - min(created_at))
    from tenantd.tenants where slug like 'bsu-$RUN-%'")"
fact requested "$N"; fact made "$made"; fact active "$active"; fact failed "$failed"; fact span "$span"
fact ncpu "$(nproc)"; fact settings "WORKERS=$WORKERS HTTP_THREADS=$THREADS DB_POOL_SIZE=$POOL wrk -t$WRK_THREADS -c$CONNS"
python3 "$BENCH_DIR/report.py" signup "$RAW" "$RESULTS"
[ "$made" -ge $((SHARE * WRK_THREADS)) ] && [ "$active" = "$made" ] || { echo "bench-signup: not every sign-up became active" >&2; exit 1; }
