#!/usr/bin/env bash
# bench/policy_plans.sh: the plans of the hot list paths under the row-level security policies,
# on a data set of some thousands of rows, written to bench/results/policy_plans.txt (or $OUT).
#   DATABASE_URL=<superuser URL of a migrated tenantd database> bench/policy_plans.sh
# Loads its rows (TENANTS tenants × MEMBERS members, invitations and audit rows per tenant)
# inside one transaction that it rolls back: the database is left as it was. Each list runs as
# tenantd_app in a context entered through tenantd.enter_context, as a request does, and is
# shown with EXPLAIN (ANALYZE, BUFFERS); the lists that are api.* functions are shown through
# auto_explain (nested statements), i.e. the plan of the query inside the function.
# What to look for: the tenant test as an Index Cond, the permission read from app.permissions
# in the plan (strpos(current_setting('app.permissions'…))), and no SubPlan or InitPlan that a
# policy added.
set -euo pipefail

url=${DATABASE_URL:?set DATABASE_URL to a superuser URL of a migrated tenantd database}
root=$(cd "$(dirname "$0")/.." && pwd)
out=${OUT:-$root/bench/results/policy_plans.txt}
tenants=${TENANTS:-200}
members=${MEMBERS:-50}
mkdir -p "$(dirname "$out")"

{
  echo "# tenantd: plans of the hot list paths under the row-level security policies"
  echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ), $(psql -X -At -d "$url" -c 'select version()')"
  echo "# data: $tenants tenants x $members members (memberships), 20 invitations and 200 audit rows per tenant"
  echo "# produced by bench/policy_plans.sh; each list as tenantd_app after tenantd.enter_context"
  echo
  psql -X -q -v ON_ERROR_STOP=1 -v tenants="$tenants" -v members="$members" -d "$url" 2>&1 <<'SQL'
\pset footer off
\pset tuples_only on
\pset format unaligned
begin;
set local synchronous_commit = off;

insert into tenantd.tenants (id, slug, name, status)
select md5('plans-tenant-' || t)::uuid, 'plans-' || t, 'Plans ' || t, 'active'
  from generate_series(1, :tenants) as t;
select 'seeded ' || count(tenantd.seed_tenant_defaults(md5('plans-tenant-' || t)::uuid)) || ' tenants'
  from generate_series(1, :tenants) as t;
insert into tenantd.users (id, email)
select md5('plans-user-' || t || '-' || m)::uuid, 'user' || m || '@plans-' || t || '.example.com'
  from generate_series(1, :tenants) as t, generate_series(1, :members) as m;
insert into tenantd.memberships (tenant_id, user_id, role)
select md5('plans-tenant-' || t)::uuid, md5('plans-user-' || t || '-' || m)::uuid,
       case when m = 1 then 'tenant_admin' else 'member' end
  from generate_series(1, :tenants) as t, generate_series(1, :members) as m;
insert into tenantd.invitations (tenant_id, email, role, token_hash, expires_at, created_at)
select md5('plans-tenant-' || t)::uuid, 'invitee' || i || '@plans-' || t || '.example.com', 'member',
       decode(md5('plans-inv-' || t || '-' || i) || md5('plans-inv2-' || t || '-' || i), 'hex'),
       now() + interval '7 days', now() - make_interval(mins => i)
  from generate_series(1, :tenants) as t, generate_series(1, 20) as i;
insert into tenantd.audit_log (tenant_id, action, at)
select md5('plans-tenant-' || t)::uuid, 'plans.event', now() - make_interval(mins => a)
  from generate_series(1, :tenants) as t, generate_series(1, 200) as a;
insert into tenantd.platform_admins (subject) values ('plans-operator') on conflict do nothing;
analyze tenantd.tenants;
analyze tenantd.users;
analyze tenantd.memberships;
analyze tenantd.invitations;
analyze tenantd.audit_log;
select 'rows: ' || (select count(*) from tenantd.tenants) || ' tenants, '
       || (select count(*) from tenantd.memberships) || ' memberships, '
       || (select count(*) from tenantd.invitations) || ' invitations, '
       || (select count(*) from tenantd.audit_log) || ' audit rows';

-- the function-backed lists: the plan of the statement inside the function
load 'auto_explain';
set local auto_explain.log_min_duration = -1;
set local auto_explain.log_nested_statements = on;
set local auto_explain.log_analyze = on;
set local auto_explain.log_buffers = on;
set local auto_explain.log_timing = off;
set local auto_explain.log_level = notice;
set local client_min_messages = notice;
set local auto_explain.log_format = text;
\set VERBOSITY terse

set local role tenantd_app;

\echo
\echo '== 1. members list (GET /v1/users?limit=50), a member of tenant 7, reading memberships only'
\echo '--  (the statement api.list_members / the users list will run: email is memberships.email)'
select 'context entered: ' || (problem is null) from tenantd.enter_context(array[md5('plans-tenant-7')::uuid::text],
                                                  md5('plans-user-7-2')::uuid::text, 'member', 'plans', 'plans');
explain (analyze, buffers, costs off, timing off, summary off)
select m.user_id, m.email, m.display_name, m.role, m.created_at, (m.disabled or m.user_disabled)
  from tenantd.memberships m
 where m.user_id > '00000000-0000-0000-0000-000000000000'::uuid
 order by m.user_id limit 51;

\echo
\echo '== 1b. the members list as src/api/users.cpp still spells it (joins users for u.email, u.disabled):'
\echo '--  the transitional users policy select_members_of_own_tenant adds its EXISTS per joined row'
explain (analyze, buffers, costs off, timing off, summary off)
select u.id, u.email, m.display_name, m.role, m.created_at, (m.disabled or u.disabled)
  from tenantd.memberships m join tenantd.users u on u.id = m.user_id
 where m.user_id > '00000000-0000-0000-0000-000000000000'::uuid
 order by m.user_id limit 51;

\echo
\echo '== 2. tenants list for a member of tenant 7 (GET /v1/tenants/{tenant} reads one; the list sees one)'
explain (analyze, buffers, costs off, timing off, summary off)
select t.id, t.slug, t.name, t.status from tenantd.tenants t
 where t.deleted_at is null order by t.created_at desc, t.id desc limit 51;

\echo
\echo '== 3. invitations list (GET /v1/invitations), tenant_admin of tenant 7: api.list_invitations'
select 'context entered: ' || (problem is null) from tenantd.enter_context(array[md5('plans-tenant-7')::uuid::text],
                                                  md5('plans-user-7-1')::uuid::text, 'tenant_admin', 'plans', 'plans');
-- auto_explain's settings are the superuser's; the context stays (it is per transaction)
reset role;
set local auto_explain.log_min_duration = 0;
set local role tenantd_app;
select count(*) || ' invitations listed' from api.list_invitations(null, null, null, 51);

\echo
\echo '== 4. audit log list (GET /v1/audit-log), tenant_admin of tenant 7: api.list_audit_log'
select count(*) || ' audit rows listed' from api.list_audit_log(null, null, null, null, null, null, null, null, 51);
reset role;
set local auto_explain.log_min_duration = -1;
set local role tenantd_app;

\echo
\echo '== 5. tenants list for a registered super admin (GET /v1/tenants), no tenant context'
\echo '--  tenants is a global table: its super-admin policy is tenantd.is_super_admin(), which checks the'
\echo '--  operator registry (tenantd.is_platform_admin, SECURITY DEFINER, not inlinable); without the old'
\echo '--  (select …) wrapper it is evaluated per row that fails the tenant test (no SubPlan, but a call per row)'
select 'context entered: ' || (problem is null) from tenantd.enter_context(null, null, 'super_admin', 'plans', 'plans', 'plans-operator');
explain (analyze, buffers, costs off, timing off, summary off)
select t.id, t.slug, t.name, t.status from tenantd.tenants t
 where t.deleted_at is null order by t.created_at desc, t.id desc limit 51;

rollback;
SQL
} >"$out"
echo "wrote $out"
if grep -nE 'SubPlan|InitPlan' "$out"; then
  echo "note: the lines above show a SubPlan or InitPlan (1b is the transitional users policy)"
fi
