-- The shape of the policies: no subquery of any kind (Citus refuses policies with subqueries on
-- distributed tables, and a subquery in a policy runs per row or per statement on every read),
-- and the helpers they call are inlinable SQL functions over the transaction-local settings, so
-- the planner folds them into the query: the tenant test is an index condition evaluated once
-- per scan and no policy adds a SubPlan or InitPlan.
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set alice aaaaaaaa-0000-4000-8000-000000000001
begin;
select plan(11);
select tests.share_tap_with('tenantd_app');
select tests.seed_two_tenants();

-- A policy's expression is stored as a node tree; a subquery (EXISTS, IN (select …), a scalar
-- (select …), ANY/ALL (select …)) is a SubLink node in it, whatever its spelling.
select is((select coalesce(array_agg(format('%s.%s', c.relname, p.polname) order by 1), '{}')
             from pg_policy p
             join pg_class c on c.oid = p.polrelid
             join pg_namespace n on n.oid = c.relnamespace
            where n.nspname in ('tenantd', 'api')
              and (coalesce(p.polqual::text, '') like '%{SUBLINK %'
                   or coalesce(p.polwithcheck::text, '') like '%{SUBLINK %')),
          '{}'::text[],
          'no policy contains a subquery');

-- every function a policy calls, outside pg_catalog, is an inlinable SQL function: language
-- sql, not SECURITY DEFINER, no SET clause, not strict, one row, stable or immutable
create temp view policy_functions as
  select distinct f.oid, f.oid::regprocedure::text as name
    from pg_policy p
    join pg_class c on c.oid = p.polrelid
    join pg_namespace n on n.oid = c.relnamespace
   cross join lateral regexp_matches(coalesce(p.polqual::text, '') || ' ' || coalesce(p.polwithcheck::text, ''),
                                     ':funcid (\d+)', 'g') as m
    join pg_proc f on f.oid = m[1]::oid
   where n.nspname in ('tenantd', 'api')
     and f.pronamespace <> 'pg_catalog'::regnamespace;
select is((select array_agg(name order by name) from policy_functions),
          array['tenantd.current_role_name()', 'tenantd.current_tenant_id()', 'tenantd.current_user_email()',
                'tenantd.current_user_id()', 'tenantd.has_permission(text)', 'tenantd.is_super_admin()',
                -- the purge policies (policies/zz_purge.sql): a transaction-local setting, inlined
                'tenantd.purge_tenant_id()',
                -- the retention policies (policies/zz_retention.sql): the same, for the sweep
                'tenantd.retention_tenant_id()'],
          'the policies call the context helpers only');
select is_empty($$select f.oid::regprocedure::text
                    from pg_proc f
                   where (f.oid in (select oid from policy_functions)
                          or f.oid = 'tenantd.parse_uuid(text)'::regprocedure)
                     and not (f.prolang = (select oid from pg_language where lanname = 'sql')
                              and not f.prosecdef and f.proconfig is null and not f.proisstrict
                              and not f.proretset and f.provolatile in ('s', 'i'))$$,
                'every helper a policy calls is inlinable (sql, invoker, no SET, not strict, stable)');
select is((select provolatile::text from pg_proc where oid = 'tenantd.has_permission(text)'::regprocedure), 's',
          'has_permission is stable (it reads a setting)');

-- the plans, as tenantd_app in a member's context (the hot lists); the tables are tiny, so
-- sequential scans are switched off to see the index the tenant test can use
create function tests.plan_of(p_sql text) returns text
language plpgsql volatile
as $$
declare
  v_line text;
  v_plan text := '';
begin
  for v_line in execute 'explain (costs off) ' || p_sql loop
    v_plan := v_plan || v_line || E'\n';
  end loop;
  return v_plan;
end
$$;
grant execute on function tests.plan_of(text) to tenantd_app;
create temp table plans (name text primary key, plan text);
grant all on plans to tenantd_app;
set local enable_seqscan = off;
-- statistics of the seeded rows (this transaction's, rolled back with it): with whatever an
-- earlier run left in pg_statistic the planner may prefer the user_id index and filter the
-- tenant, which says nothing about the policies
analyze tenantd.memberships, tenantd.tenants, tenantd.invitations, tenantd.audit_log;
set local role tenantd_app;
select tests.act_as(:'ta', :'alice', 'member');

insert into plans values
  ('members', tests.plan_of($$select user_id, email, display_name, role from tenantd.memberships
                              where user_id > '00000000-0000-0000-0000-000000000000' order by user_id limit 51$$)),
  ('invitations', tests.plan_of($$select id, email from tenantd.invitations order by created_at desc limit 51$$)),
  ('audit log', tests.plan_of($$select id, action from tenantd.audit_log order by at desc limit 51$$)),
  ('tenants', tests.plan_of($$select id, slug from tenantd.tenants order by slug limit 51$$)),
  ('configuration', tests.plan_of($$select key, value from tenantd.tenant_configs$$)),
  ('roles', tests.plan_of($$select name from tenantd.roles order by name$$));

select matches((select plan from plans where name = 'members'),
               'Index Cond: \(+tenant_id = \(*"substring"\(current_setting\(''app.tenant_id''',
               'members: the tenant test is an index condition (current_tenant_id inlined)');
select is_empty($$select name from plans where plan ~ '(SubPlan|InitPlan)'$$,
                'no list plan has a SubPlan or InitPlan');
select is_empty($$select name from plans where plan ~ '(has_permission|current_tenant_id|current_user_id)'$$,
                'no list plan calls a helper: every one was inlined');
select matches((select plan from plans where name = 'invitations'),
               'Index Cond: \(+tenant_id = \(*"substring"\(current_setting',
               'invitations: the tenant test is an index condition');
select matches((select plan from plans where name = 'audit log'),
               'Index Cond: \(+tenant_id = \(*"substring"\(current_setting',
               'audit log: the tenant test is an index condition');
select matches((select plan from plans where name = 'members'),
               'strpos\(current_setting\(''app.permissions''',
               'members: the permission is read from app.permissions in the plan itself');
-- The member list is answered from the key index alone (migration 0110): with plain index and
-- bitmap scans off, only an index-only scan is left to the planner, and only if the index holds
-- every column the list and the policy read.
set local enable_indexscan = off;
set local enable_bitmapscan = off;
select matches(tests.plan_of($$select user_id, email, display_name, role, created_at, disabled or user_disabled
                                 from tenantd.memberships
                                where user_id > '00000000-0000-0000-0000-000000000000' order by user_id limit 51$$),
               'Index Only Scan using memberships_tenant_id_user_id_key',
               'members: the list is an index-only scan of the covering key (no heap page per member)');
reset role;

select * from finish();
rollback;
