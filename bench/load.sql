-- bench/load.sql: the benchmark data set, loaded once into the tenantd_bench database by
-- bench/run.sh (as the superuser, over the cluster's Unix socket).
--
--   1,000 tenants   id = md5('bench-tenant-' || t)::uuid, slug 'bench-' || t, status active
--   1,000,000 users id = md5('bench-user-' || t || '-' || m)::uuid, email
--                   'user' || m || '@bench-' || t || '.example.com' (unique), t, m in 1..1000
--   1,000,000 memberships: user (t, m) in tenant t; m = 1 is the tenant_admin, others member
--
-- Every id is deterministic, so bench/users_list.pgbench and the tokens bench/run.sh mints
-- name the same rows on every machine. Set-based inserts in one transaction: a load that is
-- interrupted leaves nothing behind, and run.sh's marker (1,000 bench tenants) is exact.
\set ON_ERROR_STOP on

-- Bulk-load settings for this session only.
set synchronous_commit = off;
set maintenance_work_mem = '256MB';
-- Skip row triggers for the load (superuser only): tg__stamp would only set created_*/updated_*
-- (given explicitly below; created_by/updated_by stay NULL exactly as tg__stamp would leave
-- them without a user context) and the foreign-key triggers would re-check references that hold
-- by construction. About 4x faster on a million rows. CHECK and UNIQUE constraints still apply.
set session_replication_role = replica;

begin;

insert into tenantd.tenants (id, slug, name, status, plan, created_at, updated_at, activated_at)
select md5('bench-tenant-' || t)::uuid, 'bench-' || t, 'Bench tenant ' || t, 'active', 'free',
       now(), now(), now()
  from generate_series(1, 1000) as t;

insert into tenantd.users (id, email, display_name, created_at, updated_at)
select md5('bench-user-' || t || '-' || m)::uuid,
       'user' || m || '@bench-' || t || '.example.com',
       'Bench user ' || t || '-' || m,
       now(), now()
  from generate_series(1, 1000) as t, generate_series(1, 1000) as m;

insert into tenantd.memberships (tenant_id, id, user_id, role, created_at, updated_at)
select md5('bench-tenant-' || t)::uuid,
       md5('bench-membership-' || t || '-' || m)::uuid,
       md5('bench-user-' || t || '-' || m)::uuid,
       case when m = 1 then 'tenant_admin' else 'member' end,
       now(), now()
  from generate_series(1, 1000) as t, generate_series(1, 1000) as m;

commit;

reset session_replication_role;

-- Statistics for the planner, hint bits and the visibility map set now rather than by the
-- first benchmark transactions.
vacuum (analyze) tenantd.tenants;
vacuum (analyze) tenantd.users;
vacuum (analyze) tenantd.memberships;
