-- The request context reaches the workers (make test-citus; needs the Citus cluster and
-- tests/sql-citus/seed.sql). The shards' policies are evaluated on the workers, which see only
-- what Citus forwards: SET LOCAL, as tenantd.set_context writes on Citus. citus-north and
-- citus-south have their shards on different workers.
--
-- The role is switched with a session-level SET ROLE (undone by the rollback): Citus would
-- forward a SET LOCAL ROLE to the owner's connections of tenantd.enter too, as the service's
-- own connections (logged in as tenantd_app) never do.
begin;
select plan(9);
select tests.share_tap_with('tenantd_app');

select id as north from tenantd.tenants where slug = 'citus-north' \gset
select id as south from tenantd.tenants where slug = 'citus-south' \gset
\set north_admin 'cccc0000-0000-4000-8000-00000000000a'
\set south_admin 'cccc0000-0000-4000-8000-00000000000b'

select isnt(
  (select n.nodeport from pg_dist_placement p join pg_dist_node n on n.groupid = p.groupid
    where p.shardid = get_shard_id_for_distribution_column('tenantd.memberships', :'north'::uuid)),
  (select n.nodeport from pg_dist_placement p join pg_dist_node n on n.groupid = p.groupid
    where p.shardid = get_shard_id_for_distribution_column('tenantd.memberships', :'south'::uuid)),
  'the two tenants'' shards are on different workers');

set role tenantd_app;
select tests.act_as(:'north', :'north_admin', 'tenant_admin');

select results_eq(
  'select tenant_id, email from tenantd.memberships',
  format('values (%L::uuid, %L::text)', :'north', 'north-admin@citus.test'),
  'acting in citus-north, every worker''s shards show citus-north''s member and nothing else');

-- counted first, asserted after: Citus would push a one-shard query down whole, pgTAP call
-- included, to the worker
select count(*) as n from tenantd.memberships where tenant_id = :'south' \gset
select is(:n::bigint, 0::bigint, 'the worker holding citus-south''s shard shows none of its rows to citus-north');

-- Now the coordinator's own setting says citus-south, but nothing told the workers (set_config
-- is not forwarded): what comes back is decided on the workers, with the SET LOCAL they got.
select set_config('app.tenant_id', :'south', true);
select count(*) as n from tenantd.memberships where tenant_id = :'north' \gset
select is(:n::bigint, 1::bigint,
          'the shards answer with the tenant the workers were told (citus-north), not the coordinator''s set_config value');
select count(*) as n from tenantd.memberships where tenant_id = :'south' \gset
select is(:n::bigint, 0::bigint, 'and still none of citus-south''s rows');

-- a new context in the same transaction reaches the connections already open
select tests.act_as(:'south', :'south_admin', 'tenant_admin');
select results_eq(
  'select tenant_id, email from tenantd.memberships',
  format('values (%L::uuid, %L::text)', :'south', 'south-admin@citus.test'),
  'after entering citus-south in the same transaction, the workers show citus-south''s member only');

-- the endpoint function, as the service calls it: enter resolves the slug, checks the
-- membership on citus-north's worker, sets the context; the body reads through the policies
select is(
  (select status from api.list_members(jsonb_build_object(
     'refs', jsonb_build_array('citus-north'), 'user_id', :'north_admin', 'role', 'tenant_admin',
     'request_id', 'citus-85', 'route', 'GET /v1/members', 'client', '127.0.0.1',
     'permission', 'members:read'), 50, null, null, null)),
  200, 'api.list_members answers for citus-north''s admin');
select is(
  (select body::text ~ 'north-admin@citus\.test' and body::text !~ 'south-admin'
     from api.list_members(jsonb_build_object(
       'refs', jsonb_build_array('citus-north'), 'user_id', :'north_admin', 'role', 'tenant_admin',
       'request_id', 'citus-85', 'route', 'GET /v1/members', 'client', '127.0.0.1',
       'permission', 'members:read'), 50, null, null, null)),
  true, 'its body lists citus-north''s member and not citus-south''s');
select throws_ok(
  format($$select api.list_members(jsonb_build_object('refs', jsonb_build_array('citus-north'),
     'user_id', %L, 'role', 'tenant_admin', 'request_id', 'citus-85', 'route', 'GET /v1/members',
     'client', '127.0.0.1', 'permission', 'members:read'), 50, null, null, null)$$, :'south_admin'),
  'TDU01', null, 'citus-south''s admin naming citus-north is refused (membership_revoked)');

reset role;
select * from finish();
rollback;
