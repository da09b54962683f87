-- tenantd.rls_audit(): one row per isolation problem; no rows means every tenant table is
-- protected. CI runs it after migrate and fails on any row; DBAs run it in psql.
-- Looks at every schema except the system ones (pg_catalog, information_schema, pg_toast, the
-- temp schemas); objects that belong to an extension are the extension's business and skipped.
--   rls_not_enabled              a table with a tenant_id column without row-level security
--   rls_not_forced               such a table, or any table with RLS, without FORCE (the owner
--                                and SECURITY DEFINER code would bypass its policies)
--   missing_policy               a tenant_id table where no permissive policy applying to
--                                tenantd_app (or PUBLIC) covers a command; detail = the command
--   no_tenant_index              a tenant_id table with no index whose first column is tenant_id
--   app_owns_object              an object (relation, function, schema, type, database) owned
--                                by tenantd_app, or tenantd_app being a member of tenantd_owner
--                                (which gives it the owner's rights)
--   app_bypasses_rls             tenantd_app has BYPASSRLS or SUPERUSER
--   definer_without_search_path  a SECURITY DEFINER function without a pinned search_path
--   unlisted_global_table        a table in schema tenantd or api without RLS and without a
--                                tenant_id that tenantd.global_tables() does not list
--   definer_endpoint_function    a SECURITY DEFINER function in schema api: endpoint functions
--                                run as the caller, so row-level security binds all they do
--   unlisted_definer_function    any other SECURITY DEFINER function that
--                                tenantd.definer_functions() does not list with its reason
--   unlisted_owner_policy        a policy for tenantd_owner (what definer code sees) that
--                                tenantd.owner_policies() does not list with its reason
-- Security invoker: it reads only the catalogs, which every role may read.
-- plpgsql rather than sql: tenantd.global_tables() is defined in policies/, applied after sql/.
create or replace function tenantd.rls_audit()
returns table (problem text, object text, detail text)
language plpgsql stable security invoker
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
  v_app oid := (select r.oid from pg_roles r where r.rolname = 'tenantd_app');
begin
  return query
  with audited_schemas as (
    select n.oid, n.nspname
      from pg_namespace n
     where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
       and n.nspname !~ '^pg_(toast_)?temp_'
  ),
  extension_members as (
    select d.classid, d.objid from pg_depend d where d.deptype = 'e'
  ),
  tables as (
    select c.oid,
           n.nspname,
           format('%I.%I', n.nspname, c.relname) as name,
           c.relrowsecurity,
           c.relforcerowsecurity,
           a.attnum as tenant_attnum
      from pg_class c
      join audited_schemas n on n.oid = c.relnamespace
      left join pg_attribute a
        on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
     where c.relkind in ('r', 'p')
       and (c.tableoid, c.oid) not in (select * from extension_members)
  ),
  commands (command, code) as (
    values ('select', 'r'), ('insert', 'a'), ('update', 'w'), ('delete', 'd')
  ),
  problems (problem, object, detail) as (
    select 'rls_not_enabled', t.name, 'table has tenant_id but row level security is disabled'
      from tables t
     where t.tenant_attnum is not null and not t.relrowsecurity
    union all
    select 'rls_not_forced', t.name, 'row level security is not forced, the owner bypasses it'
      from tables t
     where (t.tenant_attnum is not null or t.relrowsecurity) and not t.relforcerowsecurity
    union all
    select 'missing_policy', t.name, c.command
      from tables t
     cross join commands c
     where t.tenant_attnum is not null
       and not exists (
         select 1
           from pg_policy p
          where p.polrelid = t.oid
            and p.polpermissive
            and p.polcmd in (c.code::"char", '*'::"char")
            and (0::oid = any (p.polroles) or v_app = any (p.polroles)))
    union all
    select 'no_tenant_index', t.name, 'no index has tenant_id as its first column'
      from tables t
     where t.tenant_attnum is not null
       and not exists (
         select 1 from pg_index i where i.indrelid = t.oid and i.indkey[0] = t.tenant_attnum)
    union all
    select 'app_owns_object', format('%I.%I', n.nspname, c.relname), 'relation'
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where c.relowner = v_app
    union all
    select 'app_owns_object',
           format('%I.%I(%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)),
           'function'
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where p.proowner = v_app
    union all
    select 'app_owns_object', format('%I', n.nspname), 'schema'
      from pg_namespace n
     where n.nspowner = v_app
    union all
    -- types of relations and array types are reported through their relation or element type
    select 'app_owns_object', format('%I.%I', n.nspname, t.typname), 'type'
      from pg_type t join pg_namespace n on n.oid = t.typnamespace
     where t.typowner = v_app and t.typrelid = 0 and not (t.typcategory = 'A' and t.typelem <> 0)
    union all
    select 'app_owns_object', format('%I', d.datname), 'database'
      from pg_database d
     where d.datdba = v_app
    union all
    select 'app_owns_object', 'tenantd_owner', 'tenantd_app is a member of the owner role'
      from pg_roles o
     where o.rolname = 'tenantd_owner' and v_app is not null
       and pg_has_role(v_app, o.oid, 'member')
    union all
    select 'app_bypasses_rls', r.rolname::text, 'rolbypassrls'
      from pg_roles r where r.oid = v_app and r.rolbypassrls
    union all
    select 'app_bypasses_rls', r.rolname::text, 'rolsuper'
      from pg_roles r where r.oid = v_app and r.rolsuper
    union all
    select 'definer_without_search_path',
           format('%I.%I(%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)),
           'security definer function does not set search_path'
      from pg_proc p
      join audited_schemas n on n.oid = p.pronamespace
     where p.prosecdef
       and ('pg_proc'::regclass, p.oid) not in (select * from extension_members)
       and not exists (
         select 1 from unnest(p.proconfig) s (setting) where s.setting like 'search_path=%')
    union all
    select 'unlisted_global_table', t.name,
           'table without row level security is not listed in tenantd.global_tables()'
      from tables t
     where t.nspname in ('tenantd', 'api')
       and t.tenant_attnum is null
       and not t.relrowsecurity
       and t.name not in (select g.table_name from tenantd.global_tables() g)
    union all
    select 'definer_endpoint_function', p.oid::regprocedure::text,
           'an api.* function must be security invoker'
      from pg_proc p
      join pg_namespace n on n.oid = p.pronamespace
     where n.nspname = 'api' and p.prosecdef
    union all
    select 'unlisted_definer_function', p.oid::regprocedure::text,
           'security definer function not listed in tenantd.definer_functions()'
      from pg_proc p
      join audited_schemas n on n.oid = p.pronamespace
     where p.prosecdef
       and n.nspname not in ('api', 'tests')
       and ('pg_proc'::regclass, p.oid) not in (select * from extension_members)
       and p.oid::regprocedure::text not in (select d.function_name from tenantd.definer_functions() d)
    union all
    select 'unlisted_owner_policy', format('%s %I', c.oid::regclass, p.polname),
           'policy for tenantd_owner not listed in tenantd.owner_policies()'
      from pg_policy p
      join pg_class c on c.oid = p.polrelid
      join pg_roles o on o.rolname = 'tenantd_owner'
     where o.oid = any (p.polroles)
       and format('%s %I', c.oid::regclass, p.polname) not in (select o2.policy_name from tenantd.owner_policies() o2)
  )
  select p.problem::text, p.object::text, p.detail::text
    from problems p
   order by 1, 2, 3;
end
$$;

revoke all on function tenantd.rls_audit() from public;
-- DBAs and CI; not tenantd_app, which has no use for the catalogue view of the schema
grant execute on function tenantd.rls_audit() to tenantd_readonly;
