-- bench/load.sql: the benchmark data set, loaded once into the bench database by bench/run.sh
-- (as the superuser, over the cluster's Unix socket). psql variables `tenants` and `members`
-- give the shape (defaults 1,000 x 1,000; BENCH_SCALE=1 loads 100,000 x 100 into its own
-- database):
--
--   tenants         id = md5('bench-tenant-' || t)::uuid, slug 'bench-' || t, status active
--   users           id = md5('bench-user-' || t || '-' || m)::uuid, email
--                   'user' || m || '@bench-' || t || '.example.com' (unique)
--   memberships     user (t, m) in tenant t; m = 1 is the tenant_admin, others member; the
--                   membership carries the display name (the identity model: profiles are
--                   per tenant)
--
-- Every id is deterministic, so bench/users_list.pgbench and the tokens bench/run.sh mints
-- name the same rows on every machine. Set-based inserts in one transaction: a load that is
-- interrupted leaves nothing behind, and run.sh's marker (1,000 bench tenants) is exact.
\set ON_ERROR_STOP on
\if :{?tenants}
\else
  \set tenants 1000
\endif
\if :{?members}
\else
  \set members 1000
\endif

-- Bulk-load settings for this session only.
set synchronous_commit = off;
set maintenance_work_mem = '256MB';

begin;

-- Tenants: inserted directly with every trigger firing, then given what provisioning gives a
-- tenant (built-in roles, which the memberships below reference, and onboarding steps) the way
-- the project's own tests do it: tenantd.seed_tenant_defaults(tenant). Schemas from before that
-- function seeded these with AFTER INSERT triggers on tenants; the guard covers both.
insert into tenantd.tenants (id, slug, name, status, plan, activated_at)
select md5('bench-tenant-' || t)::uuid, 'bench-' || t, 'Bench tenant ' || t, 'active', 'free', now()
  from generate_series(1, :tenants) as t;

-- A loop with one lookup per tenant rather than a NOT EXISTS beside the tenants: on Citus the
-- tenants table is a reference table and roles is distributed, and Citus plans no correlated
-- subquery between the two (BENCH_TARGET=citus).
do $$
declare
  v_tenant uuid;
begin
  if to_regprocedure('tenantd.seed_tenant_defaults(uuid)') is not null
     and to_regclass('tenantd.roles') is not null then
    for v_tenant in select t.id from tenantd.tenants t where t.slug like 'bench-%' loop
      if not exists (select 1 from tenantd.roles r where r.tenant_id = v_tenant) then
        perform tenantd.seed_tenant_defaults(v_tenant);
      end if;
    end loop;
  end if;
end
$$;

-- For the million-row tables two per-row triggers are switched off, inside this transaction,
-- because the insert gives explicitly what they would set:
--   tg__stamp                  created_at/updated_at (given below) and created_by/updated_by
--                              (NULL without a user context, as here), through
--                              jsonb_populate_record per row
--   tg_memberships__copy_user  memberships.email and user_disabled, copied from the users row
--                              (one index lookup per row into a table of 10 M rows at
--                              BENCH_SCALE=1); given below as the very values it would copy
-- Together they were most of the load time (the 100,000 x 100 load took over an hour with them).
-- Foreign keys, CHECK and UNIQUE constraints and every other trigger still apply.
alter table tenantd.users disable trigger tg__stamp;
alter table tenantd.memberships disable trigger tg__stamp;
alter table tenantd.memberships disable trigger tg_memberships__copy_user;

insert into tenantd.users (id, email, created_at, updated_at)
select md5('bench-user-' || t || '-' || m)::uuid,
       'user' || m || '@bench-' || t || '.example.com',
       now(), now()
  from generate_series(1, :tenants) as t, generate_series(1, :members) as m;

insert into tenantd.memberships (tenant_id, id, user_id, role, display_name, email, user_disabled,
                                 created_at, updated_at)
select md5('bench-tenant-' || t)::uuid,
       md5('bench-membership-' || t || '-' || m)::uuid,
       md5('bench-user-' || t || '-' || m)::uuid,
       case when m = 1 then 'tenant_admin' else 'member' end,
       'Bench user ' || t || '-' || m,
       'user' || m || '@bench-' || t || '.example.com', false,
       now(), now()
  from generate_series(1, :tenants) as t, generate_series(1, :members) as m;

alter table tenantd.users enable trigger tg__stamp;
alter table tenantd.memberships enable trigger tg__stamp;
alter table tenantd.memberships enable trigger tg_memberships__copy_user;

-- the copies given above are what tg_memberships__copy_user would have set: checked, not assumed
do $$
begin
  if exists (select 1 from tenantd.memberships m join tenantd.users u on u.id = m.user_id
              where m.email <> u.email or m.user_disabled <> u.disabled) then
    raise exception 'bench/load.sql: a membership''s email or user_disabled differs from its user';
  end if;
end
$$;

commit;

-- Statistics for the planner, hint bits and the visibility map set now rather than by the
-- first benchmark transactions.
vacuum (analyze) tenantd.tenants;
vacuum (analyze) tenantd.users;
vacuum (analyze) tenantd.memberships;
