#!/usr/bin/env bash
# A deploy after distribution: a new migration adds a tenant table, the DBA adds its placement
# line to citus/distribute.sql and runs the step again (docs/scale-out.md, "New migrations on a
# distributed schema"). Does the step place the new table next to the tenant tables it belongs
# with, keep its foreign keys, and change nothing on a second run?
#   scripts/citus-new-migration-check.sh CLUSTER_DIR   (a cluster of scripts/citus-cluster.sh,
#   migrated and distributed; run last: the table it adds stays there)
# The migration and the placement line live in a scratch copy of the repository's migrations/,
# sql/ and policies/ (under var/), never in the repository itself.
set -uo pipefail
ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
dir=${1:?usage: citus-new-migration-check.sh CLUSTER_DIR}
url() { "$ROOT/scripts/citus-cluster.sh" url "$dir" "$@"; }
coord=$(url postgres)
migrator=$(url tenantd_migrator)
scratch="$ROOT/var/citus-new-migration-$$"
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch"
cp -r "$ROOT/migrations" "$ROOT/sql" "$ROOT/policies" "$scratch/"

# the next migration number: one past the highest the repository has
last=$(ls "$ROOT/migrations" | grep -oE '^[0-9]{4}' | sort -n | tail -1)
next=$(printf '%04d' $((10#$last + 1)))
cat >"$scratch/migrations/${next}_citus_check_notes.sql" <<'SQL'
-- a tenant table as a feature would add it: tenant_id first, a key to tenants and one to plans
-- (reference tables on Citus), row-level security forced. (A key to a distributed tenant table
-- cannot be made before the step has placed the new table: docs/scale-out.md.)
create table tenantd.citus_check_notes (
  tenant_id uuid not null default tenantd.current_tenant_id() references tenantd.tenants (id),
  id uuid not null default gen_random_uuid(),
  plan_id text references tenantd.plans (id),
  body text not null,
  primary key (tenant_id, id)
);
alter table tenantd.citus_check_notes enable row level security;
alter table tenantd.citus_check_notes force row level security;
create policy own_tenant on tenantd.citus_check_notes for all
  using (tenant_id = tenantd.current_tenant_id()) with check (tenant_id = tenantd.current_tenant_id());
SQL
# its placement line, as the DBA adds it
sed "s/^insert into citus_placement values$/&\n  (99, 'tenantd.citus_check_notes', 'tenant', null),/" \
  "$ROOT/citus/distribute.sql" >"$scratch/distribute.sql"
grep -q "tenantd.citus_check_notes" "$scratch/distribute.sql" || { echo "could not add the placement line"; exit 1; }

fail() { echo "citus-new-migration-check: $*"; exit 1; }
MIGRATE_DATABASE_URL="$migrator" "$ROOT/build/tenantd" migrate up --dir "$scratch" >/dev/null ||
  fail "migrate up with the new migration failed"
psql -X -q -v ON_ERROR_STOP=1 -d "$migrator" -f "$scratch/distribute.sql" >/dev/null ||
  fail "the distribution step failed after the new migration"
q() { psql -X -qtA -d "$coord" -c "$1"; }
placed=$(q "select citus_table_type || ' ' || (colocation_id = (select colocation_id from citus_tables
             where table_name = 'tenantd.memberships'::regclass))
             from citus_tables where table_name = 'tenantd.citus_check_notes'::regclass")
[ "$placed" = "distributed true" ] || fail "the new table is '$placed', not distributed next to memberships"
keys=$(q "select count(*) from pg_constraint where conrelid = 'tenantd.citus_check_notes'::regclass and contype = 'f'")
[ "$keys" = 2 ] || fail "the new table has $keys foreign keys, not 2"
before=$(q "select md5(string_agg(table_name::text || citus_table_type || colocation_id, ',' order by table_name::text))
              from citus_tables")
psql -X -q -v ON_ERROR_STOP=1 -d "$migrator" -f "$scratch/distribute.sql" >/dev/null ||
  fail "the second run of the distribution step failed"
after=$(q "select md5(string_agg(table_name::text || citus_table_type || colocation_id, ',' order by table_name::text))
             from citus_tables")
[ "$before" = "$after" ] || fail "the second run changed the placement"
echo "citus-new-migration-check: migration $next placed its table next to the tenant tables, kept both keys; a second run changed nothing"
