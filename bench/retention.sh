#!/usr/bin/env bash
# bench/retention.sh: the retention sweep on 1,000,000 audit rows, and what it does to concurrent
# inserts into the same table. Not part of make test (make bench-retention runs it).
#
#   bench/retention.sh            (env: RETENTION_BENCH_PG_DIR [var/retention-bench-pg],
#                                  RETENTION_BENCH_PG_PORT [54341], RETENTION_BENCH_ROWS [1000000],
#                                  RETENTION_BENCH_TENANTS [10], RETENTION_BENCH_BATCH [5000])
#
# 1. A throwaway cluster (created and migrated on first use, kept) gets RETENTION_BENCH_TENANTS
#    tenants on the free plan (audit log kept 90 days) and RETENTION_BENCH_ROWS audit rows spread
#    evenly over them: 90 % between 91 and 1,000 days old (past the retention), 10 % younger.
#    Reloaded on every run (the sweep deletes most of it).
# 2. Baseline: one client inserts audit rows into the first bench tenant, one statement and one
#    transaction each, for 10 s with nothing else running.
# 3. The sweep: tenantd.retention_step called as tenantd_worker from one psql session, step after
#    step, each step its own transaction (autocommit), exactly as the 'retention.sweep' job chain
#    calls it (one step per job; the bench leaves out the queue's own claim/complete statements).
#    At the same time the same insert client runs, into the tenant being swept.
# 4. Reported: rows deleted, steps (batches), sweep wall time, rows/s, the longest and the median
#    step; insert latency (server-side: from the statement's arrival to its row written, lock
#    waits included; clock_timestamp() - statement_timestamp()) during the sweep against the
#    baseline: count, median, p99, max. No timing is asserted: the numbers are for reading.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DIR=${RETENTION_BENCH_PG_DIR:-$ROOT/var/retention-bench-pg}
PORT=${RETENTION_BENCH_PG_PORT:-54341}
ROWS=${RETENTION_BENCH_ROWS:-1000000}
TENANTS=${RETENTION_BENCH_TENANTS:-10}
BATCH=${RETENTION_BENCH_BATCH:-5000}
OUT="$ROOT/var/retention-bench"
[ -x "$ROOT/build/tenantd" ] || { echo "retention.sh: build/tenantd missing (make build)" >&2; exit 2; }
mkdir -p "$OUT"

"$ROOT/scripts/db.sh" init "$DIR" "$PORT" >/dev/null
url() { "$ROOT/scripts/db.sh" url "$DIR" "$PORT" "$1"; }
SUPER=$(url postgres)
WORKER=$(url tenantd_worker)
"$ROOT/build/tenantd" migrate up --dir "$ROOT" --database-url "$(url tenantd_migrator)" >/dev/null
psql_super() { psql -X -q -v ON_ERROR_STOP=1 -d "$SUPER" "$@"; }

echo "retention.sh: loading $ROWS audit rows into $TENANTS tenants (free plan: 90 days)" >&2
t0=$(date +%s.%N)
psql_super -v rows="$ROWS" -v tenants="$TENANTS" <<'SQL'
set synchronous_commit = off;
set maintenance_work_mem = '256MB';
-- the bench tenants and their rows (deterministic ids; a rerun replaces them)
delete from tenantd.audit_log where tenant_id in (select id from tenantd.tenants where slug like 'retbench-%');
insert into tenantd.tenants (id, slug, name, status, plan)
select md5('retbench-' || t)::uuid, 'retbench-' || t, 'Retention bench ' || t, 'active', 'free'
  from generate_series(1, :tenants) t
on conflict (id) do update set plan = 'free';
delete from tenantd.retention_settings where tenant_id in (select id from tenantd.tenants where slug like 'retbench-%');
-- row i: tenant i % tenants; 9 of 10 rows 91 to 1,000 days old, the tenth 0 to 89 days
insert into tenantd.audit_log (tenant_id, action, target_type, target_id, details, at)
select md5('retbench-' || (i % :tenants + 1))::uuid, 'bench.event', 'member', i::text,
       jsonb_build_object('n', i, 'note', 'retention bench row'),
       case when i % 10 = 0 then now() - make_interval(secs => (i::bigint * 7919 % (89 * 86400)))
            else now() - interval '91 days' - make_interval(secs => (i::bigint * 7919 % (909 * 86400))) end
  from generate_series(1, :rows) i;
vacuum analyze tenantd.audit_log;
SQL
t1=$(date +%s.%N)
EXPIRED=$(psql_super -tAc "select count(*) from tenantd.audit_log a join tenantd.tenants t on t.id = a.tenant_id
                           where t.slug like 'retbench-%' and a.at < now() - interval '90 days'")
TOTAL=$(psql_super -tAc "select count(*) from tenantd.audit_log a join tenantd.tenants t on t.id = a.tenant_id
                         where t.slug like 'retbench-%'")
echo "retention.sh: loaded $TOTAL rows ($EXPIRED past 90 days) in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", b - a }') s" >&2

# The insert client: one psql session running inserts until killed, one line per insert:
# "<epoch of completion> <server-side seconds>".
TENANT1=$(psql_super -tAc "select md5('retbench-1')::uuid")
INSERTS="$OUT/inserts.sql"
{
  echo "\\set ON_ERROR_STOP on"
  for _ in $(seq 1 200000); do
    echo "insert into tenantd.audit_log (tenant_id, action) values ('$TENANT1', 'bench.insert') returning extract(epoch from clock_timestamp()), extract(epoch from clock_timestamp() - statement_timestamp());"
  done
} >"$INSERTS"
start_writer() {  # $1: output file
  stdbuf -oL psql -X -q -A -t -F ' ' -d "$SUPER" -f "$INSERTS" >"$1" 2>"$1.err" &
  WRITER=$!
}
stop_writer() {
  kill "$WRITER" 2>/dev/null || true
  wait "$WRITER" 2>/dev/null || true
}
trap 'stop_writer 2>/dev/null || true' EXIT

echo "retention.sh: baseline inserts, 10 s, nothing else running" >&2
start_writer "$OUT/baseline.txt"
sleep 10
stop_writer

# The sweep driver: the same step again and again in one session, until it answers done.
DRIVER="$OUT/driver.sql"
{
  echo "\\set ON_ERROR_STOP on"
  echo "\\set state '{\"batch\": $BATCH}'"
  echo "\\timing on"
  for _ in $(seq 1 5000); do
    cat <<'SQL'
select tenantd.retention_step(:'state'::jsonb)::text as r \gset
\timing off
select (:'r'::jsonb ->> 'done')::boolean as done, coalesce(:'r'::jsonb -> 'state', '{}')::text as state \gset
\if :done
  \echo result :r
  \q
\endif
\timing on
SQL
  done
} >"$DRIVER"

echo "retention.sh: the sweep (batch $BATCH), with the insert client running" >&2
start_writer "$OUT/during.txt"
sleep 2
s0=$(date +%s.%N)
psql -X -q -d "$WORKER" -f "$DRIVER" >"$OUT/driver.out" 2>&1
s1=$(date +%s.%N)
sleep 1
stop_writer
trap - EXIT

python3 - "$OUT" "$s0" "$s1" "$EXPIRED" <<'PY'
import json, re, statistics, sys
out, s0, s1, expired = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
text = open(out + "/driver.out").read()
steps = [float(m) for m in re.findall(r"^Time: ([0-9.]+) ms", text, re.M)]
result = json.loads(re.search(r"^result (.*)$", text, re.M).group(1))
def lat(path, lo=None, hi=None):
    xs, ats = [], []
    for line in open(path):
        parts = line.split()
        if len(parts) != 2:
            continue
        at, secs = float(parts[0]), float(parts[1])
        if lo is not None and not (lo <= at <= hi):
            continue
        xs.append(secs * 1000)
        ats.append(at)
    xs.sort()
    if not xs:
        return None
    span = max(ats) - min(ats)
    return {"inserts": len(xs), "per_second": round(len(xs) / span) if span > 0 else None,
            "median_ms": round(xs[len(xs) // 2], 3),
            "p99_ms": round(xs[min(len(xs) - 1, int(len(xs) * 0.99))], 3), "max_ms": round(xs[-1], 3)}
wall = s1 - s0
report = {
    "rows_past_retention": expired,
    "rows_deleted": result.get("deleted"),
    "steps": len(steps),
    "batches_with_deletes": result.get("batches"),
    "sweep_seconds": round(wall, 2),
    "rows_per_second": round(result.get("deleted", 0) / wall) if wall > 0 else None,
    "longest_step_ms": round(max(steps), 1) if steps else None,
    "median_step_ms": round(statistics.median(steps), 1) if steps else None,
    "inserts_baseline": lat(out + "/baseline.txt"),
    "inserts_during_sweep": lat(out + "/during.txt", s0, s1),
}
print(json.dumps(report, indent=2))
open(out + "/report.json", "w").write(json.dumps(report, indent=2) + "\n")
PY
