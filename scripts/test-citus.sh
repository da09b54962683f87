#!/usr/bin/env bash
# make test-citus: the schema and the service on a Citus cluster (a coordinator and two
# workers on loopback ports under var/, removed afterwards, also when a step fails).
#   1. builds and installs Citus from third_party/citus once (scripts/citus-build.sh)
#   2. starts the cluster (scripts/citus-cluster.sh), migrates the coordinator, runs the
#      distribution step citus/distribute.sql twice (it must be idempotent), then migrate up
#      --reapply (sql/ and policies/ again on the distributed schema, as every deploy does)
#   3. the RLS audit, then the Citus checks (tests/sql-citus: placement of every table, the
#      request context on the workers, endpoint functions for one tenant, one shard per query)
#      on seeded tenants whose shards are on different workers, and the one-worker-per-request
#      check (scripts/citus-one-worker-check.sh: the endpoints answer with the other worker
#      refusing connections), and the HTTP tests that pass there (CITUS_PASSING_TESTS below);
#      the pgTAP isolation suite of tests/sql, each file on a cluster of its own
#      (scripts/citus-pgtap-isolation.sh);
#      last, a new migration after distribution and the step again
#      (scripts/citus-new-migration-check.sh)
# CITUS_FULL=1 also runs what does not pass on Citus yet (docs/scale-out.md): the whole pgTAP
# suite (in the Citus harness mode of scripts/pgtap.sh) and the whole integration suite
# (CITUS_GTEST_FILTER narrows it).
set -uo pipefail
source "$(dirname "$0")/env.sh"

"$ROOT/scripts/citus-build.sh" || { echo "test-citus: could not build Citus"; exit 1; }

total_pass=0
total_fail=0
failed_steps=()
record() {
  local name=$1 rc=$2 pass=$3 fail=$4
  total_pass=$((total_pass + pass))
  total_fail=$((total_fail + fail))
  if [ "$rc" != 0 ] || [ "$fail" != 0 ]; then
    failed_steps+=("$name")
    [ "$fail" = 0 ] && total_fail=$((total_fail + 1))
  fi
  echo "== citus $name: $pass passed, $fail failed (exit $rc)"
}
step() {  # step NAME COMMAND...: a check that passes when the command exits 0
  local name=$1; shift
  "$@"; local rc=$?
  record "$name" $rc $([ $rc = 0 ] && echo 1 || echo 0) 0
  return $rc
}

CLUSTER="$ROOT/var/citus-test-$$"
cleanup() { "$ROOT/scripts/citus-cluster.sh" destroy "$CLUSTER"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
echo "== starting a Citus coordinator and two workers in $CLUSTER"
"$ROOT/scripts/citus-cluster.sh" start "$CLUSTER" >/dev/null || { echo "could not start the Citus cluster"; exit 1; }
url() { "$ROOT/scripts/citus-cluster.sh" url "$CLUSTER" "$@"; }
export TEST_ADMIN_URL=$(url postgres)
export DATABASE_URL=$(url tenantd_app)
export WORKER_DATABASE_URL=$(url tenantd_worker)
export MIGRATE_DATABASE_URL=$(url tenantd_migrator)
export TEST_PG_HOST="$CLUSTER/coordinator/run" TEST_PG_PORT=$("$ROOT/scripts/citus-cluster.sh" port "$CLUSTER")
export TENANTD_BINARY="$BUILD_DIR/tenantd" TENANTD_SOURCE_DIR="$ROOT"
# the Citus checks reach the workers directly
export CITUS_WORKER1_URL=$(url postgres worker1) CITUS_WORKER2_URL=$(url postgres worker2)

distribute() { psql -X -q -v ON_ERROR_STOP=1 -d "$MIGRATE_DATABASE_URL" -f "$ROOT/citus/distribute.sql" >/dev/null; }
seed() {
  "$ROOT/scripts/pgtap.sh" "$TEST_ADMIN_URL" --setup-only &&
    psql -X -q -v ON_ERROR_STOP=1 -d "$TEST_ADMIN_URL" -f "$ROOT/tests/sql-citus/seed.sql" >/dev/null
}
# pgTAP files (pg_prove's report from COMMAND); records the counts under NAME
pgtap_step() {
  local name=$1; shift
  local log="$ROOT/var/test-citus-$name.log"
  "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  local tests bad
  tests=$(grep -oE 'Tests=[0-9]+' "$log" | grep -oE '[0-9]+' | tail -1)
  bad=$(grep -oE 'Failed [0-9]+/[0-9]+' "$log" | awk -F'[ /]' '{s+=$2} END {print s+0}')
  record "$name" "$rc" $(( ${tests:-0} - ${bad:-0} )) "${bad:-0}"
}

# integration tests against the cluster; records the counts under NAME
integration_step() {
  local name=$1 filter=$2
  local log="$ROOT/var/test-citus-$name.log"
  "$BUILD_DIR/integration_tests" --gtest_filter="$filter" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]} pass fail
  pass=$(grep -oE '^\[  PASSED  \] [0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1)
  fail=$(grep -oE '^\[  FAILED  \] [0-9]+ test' "$log" | grep -oE '[0-9]+' | tail -1)
  record "$name" "$rc" "${pass:-0}" "${fail:-0}"
}
# measured passing on the cluster (2026-12-02): the cross-tenant probe over HTTP (every route,
# no 5xx), the context-leak tests (16 clients of 16 tenants, direct and through PgBouncer in
# transaction mode; the cross-tenant matrix; sign-up and login over both paths), the tests of
# the context (a disabled identity too) and of sign-up, the operator's tenant endpoints, the
# tenant rate limit read in the request's own statement, the identity provider's webhooks,
# export and retention (jobs on the workers); custom domains (claims, the DNS checks against
# dnsmasq, on-demand TLS through Caddy), API keys, onboarding, sealed configuration and the
# idempotency scope, less the cases that are known to fail there (CITUS_KNOWN_FAILING, with
# their reasons in docs/scale-out.md, "What does not work yet")
CITUS_PASSING_TESTS="CrossTenantProbe.*:DbPaths/HttpPathTest.*:ContextTest.*:SignupTest.*:\
TenantsTest.*:TenantRateLimit*:WebhooksTest.*:Export.*:Retention.*:DomainsTest.*:ApiKeys.*:\
OnboardingTest.*:DataKeys.*:IdempotencyScopeTest.*"
CITUS_KNOWN_FAILING="OnboardingTest.CompletingTheLastRequiredStepActivatesInTheSameTransaction:\
OnboardingTest.SuspendedTenantsAreNotReactivated:OnboardingTest.ConcurrentLastStepsActivateExactlyOnce:\
IdempotencyScopeTest.SuperAdminKeyInTenantADoesNotReplayInTenantB"

step migrate "$BUILD_DIR/tenantd" migrate up --dir "$ROOT" &&
  step distribute distribute &&
  step distribute-again distribute &&
  step migrate-reapply "$BUILD_DIR/tenantd" migrate up --reapply --dir "$ROOT" &&
  step distribute-after-reapply distribute &&
  step rls-audit "$BUILD_DIR/tenantd" policies audit &&
  step seed seed
if [ ${#failed_steps[@]} -eq 0 ]; then
  # what is proven on the cluster: the placement of every table, the context on the workers,
  # endpoint functions answering for one tenant only, from its worker only
  shopt -s nullglob
  pgtap_step pgtap-citus "$ROOT/scripts/pgtap.sh" "$TEST_ADMIN_URL" "$ROOT"/tests/sql-citus/[0-9]*.sql
  step one-worker-per-request "$ROOT/scripts/citus-one-worker-check.sh" "$CLUSTER"
  # the HTTP tests that pass on the cluster (docs/scale-out.md lists the others)
  integration_step integration-passing "$CITUS_PASSING_TESTS-$CITUS_KNOWN_FAILING"
  # the pgTAP isolation suite of one node (every *isolation* file, the RLS audit, the
  # cross-tenant probe of every api.* function and the check that the probe catches a planted
  # leak), each file on a fresh cluster of its own,
  # committed at every change of role (scripts/pgtap.sh, PGTAP_CITUS=1): the same files and the
  # same assertions as on one node
  pgtap_step pgtap-isolation "$ROOT/scripts/citus-pgtap-isolation.sh" \
    "$ROOT"/tests/sql/*isolation*.sql "$ROOT"/tests/sql/08-rls-audit.sql \
    "$ROOT"/tests/sql/90-cross-tenant-probe.sql "$ROOT"/tests/sql/91-cross-tenant-probe-catches.sql

  # Not yet passing on Citus (docs/scale-out.md, "What does not work yet"); run on request.
  if [ "${CITUS_FULL:-0}" = 1 ]; then
    PGTAP_CITUS=1 pgtap_step pgtap-suite "$ROOT/scripts/pgtap.sh" "$TEST_ADMIN_URL" "$ROOT"/tests/sql/*.sql
    integration_step integration "${CITUS_GTEST_FILTER:-*}"
  fi
  # last, since it leaves its table behind: a deploy after distribution, a new migration adding
  # a tenant table, the step run again with its placement line
  step new-migration "$ROOT/scripts/citus-new-migration-check.sh" "$CLUSTER"
fi

echo
if [ ${#failed_steps[@]} -gt 0 ]; then echo "citus: failed steps: ${failed_steps[*]}"; fi
echo "citus tests: $total_pass passed, $total_fail failed"
[ "$total_fail" = 0 ]
