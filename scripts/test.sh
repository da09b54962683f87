#!/usr/bin/env bash
# make test: every test layer against a throwaway PostgreSQL cluster, removed afterwards
# (also when a test fails). With DATABASE_URL set, that database is used instead; it must
# be a superuser URL to a disposable database.
set -uo pipefail
source "$(dirname "$0")/env.sh"

# Logs of the previous run's tenantd and worker processes (kept until now for reading).
rm -f "$ROOT"/var/tenantd-test-*.log "$ROOT"/var/*worker*.log
rm -rf "$ROOT"/var/pgbouncer-[0-9]*
rm -rf "$ROOT"/var/caddy-[0-9]* "$ROOT"/var/dnsmasq-[0-9]*.log

total_pass=0
total_fail=0
failed_layers=()

if [ -z "${DATABASE_URL:-}" ]; then
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  TEST_PG_DIR="$ROOT/var/test-pg-$$"
  cleanup() { "$ROOT/scripts/db.sh" destroy "$TEST_PG_DIR"; }
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  echo "== starting throwaway PostgreSQL in $TEST_PG_DIR on port $port"
  "$ROOT/scripts/db.sh" init "$TEST_PG_DIR" "$port" || { echo "could not start PostgreSQL"; exit 1; }
  url() { "$ROOT/scripts/db.sh" url "$TEST_PG_DIR" "$port" "$1"; }
  export TEST_ADMIN_URL=$(url postgres)
  export DATABASE_URL=$(url tenantd_app)
  export WORKER_DATABASE_URL=$(url tenantd_worker)
  export MIGRATE_DATABASE_URL=$(url tenantd_migrator)
  export TEST_PG_HOST="$TEST_PG_DIR/run" TEST_PG_PORT="$port"
else
  export TEST_ADMIN_URL=$DATABASE_URL
  export MIGRATE_DATABASE_URL=${MIGRATE_DATABASE_URL:-$(url_with "$DATABASE_URL" user=tenantd_migrator)}
  export WORKER_DATABASE_URL=${WORKER_DATABASE_URL:-$(url_with "$DATABASE_URL" user=tenantd_worker)}
  export DATABASE_URL=$(url_with "$DATABASE_URL" user=tenantd_app)
fi
export TENANTD_BINARY="$BUILD_DIR/tenantd" TENANTD_SOURCE_DIR="$ROOT"

# Records a layer's counts from its output: gtest "[  PASSED  ] N" / "[  FAILED  ] N",
# pg_prove "Tests=N" with "Failed N/M".
record() {
  local name=$1 rc=$2 pass=$3 fail=$4
  total_pass=$((total_pass + pass))
  total_fail=$((total_fail + fail))
  if [ "$rc" != 0 ] || [ "$fail" != 0 ]; then
    failed_layers+=("$name")
    [ "$fail" = 0 ] && total_fail=$((total_fail + 1))
  fi
  echo "== $name: $pass passed, $fail failed (exit $rc)"
}

gtest_layer() {
  local name=$1; shift
  local log="$ROOT/var/test-$name.log"
  mkdir -p "$ROOT/var"
  "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  local pass fail
  pass=$(grep -oE '^\[  PASSED  \] [0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1)
  fail=$(grep -oE '^\[  FAILED  \] [0-9]+ test' "$log" | grep -oE '[0-9]+' | tail -1)
  record "$name" "$rc" "${pass:-0}" "${fail:-0}"
}

echo "== layer 1: unit tests (no database)"
gtest_layer unit "$BUILD_DIR/unit_tests"
# bench/report.py (make bench's analysis) compiles: the bench is too slow to run here.
python3 -c 'import sys; compile(open(sys.argv[1]).read(), sys.argv[1], "exec")' "$ROOT/bench/report.py"; rc=$?
record "bench-report-compiles" $rc $([ $rc = 0 ] && echo 1 || echo 0) 0

echo "== layer 2: migrations, RLS audit and pgTAP"
"$BUILD_DIR/tenantd" migrate up --dir "$ROOT"; rc=$?
record "migrate" $rc $([ $rc = 0 ] && echo 1 || echo 0) 0
"$BUILD_DIR/tenantd" policies audit; rc=$?
record "rls-audit" $rc $([ $rc = 0 ] && echo 1 || echo 0) 0
log="$ROOT/var/test-pgtap.log"
"$ROOT/scripts/pgtap.sh" "$TEST_ADMIN_URL" 2>&1 | tee "$log"; rc=${PIPESTATUS[0]}
tests=$(grep -oE 'Tests=[0-9]+' "$log" | grep -oE '[0-9]+' | tail -1)
bad=$(grep -oE 'Failed [0-9]+/[0-9]+' "$log" | awk -F'[ /]' '{s+=$2} END {print s+0}')
record "pgtap" $rc $(( ${tests:-0} - ${bad:-0} )) "${bad:-0}"

echo "== layer 3: integration tests (real PostgreSQL, real tenantd over HTTP)"
if [ -x "$BUILD_DIR/integration_tests" ]; then
  gtest_layer integration "$BUILD_DIR/integration_tests"
else
  record "integration" 1 0 1
fi

echo
if [ ${#failed_layers[@]} -gt 0 ]; then echo "failed layers: ${failed_layers[*]}"; fi
echo "tests: $total_pass passed, $total_fail failed"
[ "$total_fail" = 0 ]
