-- tenantd.rls_audit(): empty on the real schema, and one row per problem for tables and
-- functions made wrong on purpose inside this (rolled back) transaction.
begin;
select plan(6);
select tests.share_tap_with('tenantd_readonly');
select tests.share_tap_with('tenantd_app');

select is_empty('select * from tenantd.rls_audit()', 'rls_audit finds no problem in the real schema');

set local role tenantd_readonly;
select is_empty('select * from tenantd.rls_audit()', 'tenantd_readonly may run rls_audit (and gets the same answer)');
reset role;
set local role tenantd_app;
select throws_ok('select * from tenantd.rls_audit()', '42501', null, 'tenantd_app may not run rls_audit');
reset role;

-- broken on purpose, created by the owner as a migration would
set local role tenantd_owner;
-- a tenant table left unprotected
create table tenantd.t_unprotected (tenant_id uuid not null, id uuid not null, primary key (tenant_id, id));
-- RLS enabled with complete policies, but not forced
create table tenantd.t_not_forced (tenant_id uuid not null, id uuid not null, primary key (tenant_id, id));
alter table tenantd.t_not_forced enable row level security;
create policy all_own_tenant on tenantd.t_not_forced using (tenant_id = (select tenantd.current_tenant_id()));
-- forced, but only a select policy
create table tenantd.t_select_only (tenant_id uuid not null, id uuid not null, primary key (tenant_id, id));
alter table tenantd.t_select_only enable row level security;
alter table tenantd.t_select_only force row level security;
create policy select_own_tenant on tenantd.t_select_only for select
  using (tenant_id = (select tenantd.current_tenant_id()));
-- a policy for another role does not protect tenantd_app's commands
create policy insert_as_owner on tenantd.t_select_only for insert to tenantd_owner with check (true);
-- protected, but no index leads with tenant_id (its key starts with id)
create table tenantd.t_no_index (id uuid not null, tenant_id uuid not null, primary key (id, tenant_id));
alter table tenantd.t_no_index enable row level security;
alter table tenantd.t_no_index force row level security;
create policy all_own_tenant on tenantd.t_no_index using (tenant_id = (select tenantd.current_tenant_id()));
-- definer code that trusts the caller's search_path
create function tenantd.f_definer() returns int language sql security definer as 'select 1';
-- a global table nobody listed in tenantd.global_tables()
create table tenantd.t_global (id int primary key);
-- an endpoint function running as its owner (isolation would rest on its WHERE clauses)
create function api.f_definer_endpoint() returns int language sql security definer
  set search_path = pg_catalog as 'select 1';
reset role;

select results_eq(
  'select problem, object, detail from tenantd.rls_audit()',
  $$values
    ('definer_endpoint_function', 'api.f_definer_endpoint()', 'an api.* function must be security invoker'),
    ('definer_without_search_path', 'tenantd.f_definer()', 'security definer function does not set search_path'),
    ('missing_policy', 'tenantd.t_select_only', 'delete'),
    ('missing_policy', 'tenantd.t_select_only', 'insert'),
    ('missing_policy', 'tenantd.t_select_only', 'update'),
    ('missing_policy', 'tenantd.t_unprotected', 'delete'),
    ('missing_policy', 'tenantd.t_unprotected', 'insert'),
    ('missing_policy', 'tenantd.t_unprotected', 'select'),
    ('missing_policy', 'tenantd.t_unprotected', 'update'),
    ('no_tenant_index', 'tenantd.t_no_index', 'no index has tenant_id as its first column'),
    ('rls_not_enabled', 'tenantd.t_unprotected', 'table has tenant_id but row level security is disabled'),
    ('rls_not_forced', 'tenantd.t_not_forced', 'row level security is not forced, the owner bypasses it'),
    ('rls_not_forced', 'tenantd.t_unprotected', 'row level security is not forced, the owner bypasses it'),
    ('unlisted_definer_function', 'tenantd.f_definer()', 'security definer function not listed in tenantd.definer_functions()'),
    ('unlisted_global_table', 'tenantd.t_global', 'table without row level security is not listed in tenantd.global_tables()'),
    ('unlisted_owner_policy', 'tenantd.t_select_only insert_as_owner', 'policy for tenantd_owner not listed in tenantd.owner_policies()')
  $$,
  'rls_audit reports each planted problem, once, in order');

-- the service role owning something, or bypassing RLS
create table public.t_app_owned (id int);
alter table public.t_app_owned owner to tenantd_app;
alter role tenantd_app bypassrls;
select results_eq(
  $$select problem, object, detail from tenantd.rls_audit()
     where problem in ('app_owns_object', 'app_bypasses_rls')$$,
  $$values ('app_bypasses_rls', 'tenantd_app', 'rolbypassrls'),
           ('app_owns_object', 'public.t_app_owned', 'relation')$$,
  'rls_audit reports tenantd_app owning a table and having BYPASSRLS');

grant tenantd_owner to tenantd_app;
select results_eq(
  $$select problem, object from tenantd.rls_audit() where problem = 'app_owns_object' order by object$$,
  $$values ('app_owns_object', 'public.t_app_owned'), ('app_owns_object', 'tenantd_owner')$$,
  'rls_audit reports tenantd_app being a member of the owner role');

select * from finish();
rollback;
