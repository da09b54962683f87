-- Where citus/distribute.sql put each table (make test-citus; needs the Citus cluster).
-- Every table with a tenant_id column is distributed by it, in the colocation group of
-- tenantd.roles, so one tenant's rows of every table share a node; the global tables are
-- reference tables; the queues stay plain tables on the coordinator.
begin;
select plan(6);

select is(
  (select coalesce(string_agg(format('%s.%s', n.nspname, c.relname), ', ' order by 1), '')
     from pg_class c
     join pg_namespace n on n.oid = c.relnamespace
     join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
    where n.nspname = 'tenantd' and c.relkind in ('r', 'p')
      -- the tenant tables that are reference tables (citus/distribute.sql says why)
      and c.oid not in ('tenantd.domains'::regclass, 'tenantd.api_keys'::regclass)
      -- the live events stay on the coordinator with the queue whose changes they announce
      and c.oid <> 'tenantd.events'::regclass
      and not exists (select 1 from citus_tables t
                       where t.table_name = c.oid and t.citus_table_type = 'distributed'
                         and t.distribution_column = 'tenant_id'
                         and t.colocation_id = (select colocation_id from citus_tables
                                                 where table_name = 'tenantd.roles'::regclass))),
  '',
  'every tenant table is distributed by tenant_id, colocated with tenantd.roles');

select is(
  (select array_agg(table_name::text order by table_name::text) from citus_tables
    where citus_table_type = 'reference' and table_name::text like 'tenantd.%'),
  array['tenantd.api_keys', 'tenantd.domains', 'tenantd.plan_retention', 'tenantd.plans', 'tenantd.platform_admins',
        'tenantd.tenant_tombstones', 'tenantd.tenants', 'tenantd.users'],
  'api_keys, domains, plan_retention, plans, platform_admins, tenant_tombstones, tenants and users are reference tables');

select is(
  (select count(*)::int from citus_tables
    where table_name in ('tenantd.jobs'::regclass, 'tenantd.idempotency_keys'::regclass,
                         'tenantd.webhook_events'::regclass, 'tenantd.signup_attempts'::regclass)),
  0,
  'the queues and short-lived records stay plain tables on the coordinator');

select is(
  (select count(distinct n.nodeport)::int
     from pg_dist_shard s
     join pg_dist_placement p on p.shardid = s.shardid
     join pg_dist_node n on n.groupid = p.groupid
    where s.logicalrelid = 'tenantd.memberships'::regclass),
  2,
  'the tenant shards are spread over both workers');

-- the policies are on the shards: a shard's own table has row security forced, and its
-- policies are the shell table's (checked on one shard of memberships, through Citus)
select is(
  (select count(*)::int from run_command_on_shards('tenantd.memberships',
     $$select relforcerowsecurity and (select count(*) from pg_policy where polrelid = '%1$s'::regclass) =
              (select count(*) from pg_policy where polrelid = 'tenantd.memberships'::regclass)
         from pg_class where oid = '%1$s'::regclass$$)
    where success and result = 't'),
  32,
  'every memberships shard has FORCE RLS and the policies of tenantd.memberships');

-- the functions the shards' policies and triggers call exist on every worker
select is(
  (select count(*)::int from run_command_on_workers(
     $$select count(*) from pg_proc where oid in ('tenantd.current_tenant_id()'::regprocedure,
       'tenantd.has_permission(text)'::regprocedure, 'tenantd.set_context(text[],text[])'::regprocedure)$$)
    where success and result = '3'),
  2,
  'current_tenant_id, has_permission and set_context exist on both workers');

select * from finish();
rollback;
