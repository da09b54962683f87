#!/usr/bin/env bash
# The pgTAP isolation suite on a Citus cluster, each file on a cluster of its own.
#   scripts/citus-pgtap-isolation.sh FILE...   (files of tests/sql)
# For every file: a fresh coordinator and two workers (scripts/citus-cluster.sh) under
# var/, migrated, distributed (citus/distribute.sql) and given the pgTAP helpers; the file runs
# in the Citus harness mode of scripts/pgtap.sh (PGTAP_CITUS=1: committed at every change of
# role, tests/tools/citus_role_segments.py), so what it commits stays in that cluster alone,
# which is then removed, also on failure. Prints pg_prove's report for each file, then
# "Files=N, Tests=M" over all of them; exits non-zero when a file failed.
set -uo pipefail
ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
source "$ROOT/scripts/env.sh"
CLUSTER_SCRIPT="$ROOT/scripts/citus-cluster.sh"
[ $# -gt 0 ] || { echo "usage: citus-pgtap-isolation.sh FILE..." >&2; exit 2; }

dir=""
cleanup() { [ -n "$dir" ] && "$CLUSTER_SCRIPT" destroy "$dir" >/dev/null 2>&1; dir=""; }
trap cleanup EXIT
trap 'exit 130' INT TERM

status=0 files=0 tests=0
for f in "$@"; do
  name=$(basename "$f" .sql)
  dir="$ROOT/var/citus-iso-$$-$name"
  log=$(mktemp)
  {
    "$CLUSTER_SCRIPT" start "$dir" >/dev/null &&
      admin=$("$CLUSTER_SCRIPT" url "$dir" postgres) &&
      MIGRATE_DATABASE_URL=$("$CLUSTER_SCRIPT" url "$dir" tenantd_migrator) \
        DATABASE_URL=$("$CLUSTER_SCRIPT" url "$dir" tenantd_app) \
        "$BUILD_DIR/tenantd" migrate up --dir "$ROOT" >/dev/null &&
      psql -X -q -v ON_ERROR_STOP=1 -d "$("$CLUSTER_SCRIPT" url "$dir" tenantd_migrator)" \
        -f "$ROOT/citus/distribute.sql" >/dev/null &&
      PGTAP_CITUS=1 "$ROOT/scripts/pgtap.sh" "$admin" "$f"
  } 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  [ "$rc" = 0 ] || { status=1; echo "citus-pgtap-isolation: $name failed (exit $rc)"; }
  files=$((files + 1))
  n=$(grep -oE 'Tests=[0-9]+' "$log" | grep -oE '[0-9]+' | tail -1)
  tests=$((tests + ${n:-0}))
  rm -f "$log"
  cleanup
done
echo "citus-pgtap-isolation: Files=$files, Tests=$tests"
exit $status
