-- Roles and ownership (DESIGN §3): the service role owns nothing, bypasses nothing and cannot
-- create objects anywhere; the owner role owns everything in tenantd and api.
begin;
select plan(25);
select tests.share_tap_with('tenantd_app');

select has_role('tenantd_owner');
select has_role('tenantd_migrator');
select has_role('tenantd_app');
select has_role('tenantd_readonly');

select is((select rolcanlogin from pg_roles where rolname = 'tenantd_owner'), false,
          'tenantd_owner cannot log in');
select is((select rolcanlogin from pg_roles where rolname = 'tenantd_app'), true,
          'tenantd_app can log in');
select is((select rolbypassrls from pg_roles where rolname = 'tenantd_app'), false,
          'tenantd_app has no BYPASSRLS');
select is((select rolsuper from pg_roles where rolname = 'tenantd_app'), false,
          'tenantd_app is not a superuser');
select is((select rolcreaterole from pg_roles where rolname = 'tenantd_app'), false,
          'tenantd_app cannot create roles');
select is((select rolcreatedb from pg_roles where rolname = 'tenantd_app'), false,
          'tenantd_app cannot create databases');
select is((select rolbypassrls or rolsuper from pg_roles where rolname = 'tenantd_readonly'),
          false, 'tenantd_readonly bypasses nothing');
select ok(pg_has_role('tenantd_migrator', 'tenantd_owner', 'member'),
          'tenantd_migrator is a member of tenantd_owner');
select ok(not pg_has_role('tenantd_app', 'tenantd_owner', 'member'),
          'tenantd_app is not a member of tenantd_owner');

select is_empty($$
  select 'relation ' || c.oid::regclass from pg_class c
   where c.relowner = 'tenantd_app'::regrole
  union all
  select 'function ' || p.oid::regprocedure from pg_proc p
   where p.proowner = 'tenantd_app'::regrole
  union all
  select 'schema ' || n.nspname from pg_namespace n
   where n.nspowner = 'tenantd_app'::regrole
  union all
  select 'type ' || t.oid::regtype from pg_type t
   where t.typowner = 'tenantd_app'::regrole
  union all
  select 'database ' || d.datname from pg_database d
   where d.datdba = 'tenantd_app'::regrole
$$, 'tenantd_app owns nothing');

select is_empty($$
  select c.oid::regclass::text, pg_get_userbyid(c.relowner)
    from pg_class c
   where c.relnamespace in ('tenantd'::regnamespace, 'api'::regnamespace)
     and c.relowner <> 'tenantd_owner'::regrole
  union all
  select p.oid::regprocedure::text, pg_get_userbyid(p.proowner)
    from pg_proc p
   where p.pronamespace in ('tenantd'::regnamespace, 'api'::regnamespace)
     and p.proowner <> 'tenantd_owner'::regrole
  union all
  select n.nspname::text, pg_get_userbyid(n.nspowner)
    from pg_namespace n
   where n.nspname in ('tenantd', 'api') and n.nspowner <> 'tenantd_owner'::regrole
$$, 'every schema, relation and function in tenantd and api is owned by tenantd_owner');

select is_empty($$
  select p.oid::regprocedure::text
    from pg_proc p
   where p.pronamespace in ('tenantd'::regnamespace, 'api'::regnamespace)
     and has_function_privilege('public', p.oid, 'execute')
$$, 'PUBLIC may execute no function in tenantd or api');

select is_empty($$
  select n.nspname from pg_namespace n
   where has_schema_privilege('tenantd_app', n.oid, 'create')
$$, 'tenantd_app has CREATE on no schema');

select ok(not has_database_privilege('tenantd_app', current_database(), 'temporary')
          and not has_database_privilege('tenantd_app', current_database(), 'create'),
          'tenantd_app may create neither schemas nor temporary tables in the database');

select ok(has_function_privilege('tenantd_app', 'tenantd.enter_context(text[], text, text, text, text, text)', 'execute')
          and has_function_privilege('tenantd_app', 'tenantd.create_member(text, text, text, text)', 'execute')
          and has_function_privilege('tenantd_app', 'tenantd.current_tenant_id()', 'execute')
          and has_function_privilege('tenantd_app', 'tenantd.current_user_id()', 'execute')
          and has_function_privilege('tenantd_app', 'tenantd.current_role_name()', 'execute')
          and has_function_privilege('tenantd_app', 'tenantd.current_request_id()', 'execute')
          and has_function_privilege('tenantd_app', 'tenantd.is_super_admin()', 'execute'),
          'tenantd_app may execute enter_context, create_member and the context helpers');
select ok(not has_function_privilege('tenantd_app', 'tenantd.rls_audit()', 'execute')
          and has_function_privilege('tenantd_readonly', 'tenantd.rls_audit()', 'execute'),
          'rls_audit is for tenantd_readonly (and the owner), not tenantd_app');

-- the same, tried for real
set local role tenantd_app;
select throws_ok('create table tenantd.app_table (id int)', '42501', null,
                 'tenantd_app cannot create a table in tenantd');
select throws_ok('create table api.app_table (id int)', '42501', null,
                 'tenantd_app cannot create a table in api');
select throws_ok('create table public.app_table (id int)', '42501', null,
                 'tenantd_app cannot create a table in public');
select throws_ok('create schema app_schema', '42501', null,
                 'tenantd_app cannot create a schema');
select throws_ok('create temporary table app_temp (id int)', '42501', null,
                 'tenantd_app cannot create a temporary table');
reset role;

select * from finish();
rollback;
