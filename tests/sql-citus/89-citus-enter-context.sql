-- tenantd.enter_context on the cluster (make test-citus; needs tests/sql-citus/seed.sql): the
-- way a DBA in psql, and the pgTAP files, enter a tenant. It calls tenantd.enter inside an
-- exception block, and Citus drops the SET LOCAL commands it recorded to forward when a
-- subtransaction ends, even one that commits: a worker connection opened after it would start
-- with no tenant. So the function sets the context again after the block. Each case opens the
-- workers' connections only after enter_context, in a transaction of its own; what it saw is
-- asserted at the end.
select id as north from tenantd.tenants where slug = 'citus-north' \gset
select id as south from tenantd.tenants where slug = 'citus-south' \gset
\set north_admin 'cccc0000-0000-4000-8000-00000000000a'
\set south_admin 'cccc0000-0000-4000-8000-00000000000b'

begin;
set role tenantd_app;
select tenant_id as north_entered from tenantd.enter_context(array['citus-north'], :'north_admin', 'tenant_admin',
                                                              'citus-89', 'psql', null) \gset
select coalesce(string_agg(tenant_id || ' ' || email, ', ' order by email), 'nothing') as north_seen
  from tenantd.memberships \gset
rollback;

begin;
set role tenantd_app;
select tenant_id as south_entered from tenantd.enter_context(array['citus-south'], :'south_admin', 'tenant_admin',
                                                              'citus-89', 'psql', null) \gset
select coalesce(string_agg(tenant_id || ' ' || email, ', ' order by email), 'nothing') as south_seen
  from tenantd.memberships \gset
rollback;

begin;
select plan(4);
select is(:'north_entered'::uuid, :'north'::uuid, 'enter_context resolves citus-north');
select is(:'north_seen', :'north' || ' north-admin@citus.test',
          'the workers'' shards show citus-north''s member, and nothing else, after enter_context');
select is(:'south_entered'::uuid, :'south'::uuid, 'enter_context resolves citus-south');
select is(:'south_seen', :'south' || ' south-admin@citus.test', 'and citus-south''s member only for citus-south');
select * from finish();
rollback;
