-- Seed for the Citus checks (tests/sql-citus/8x-*.sql), run by scripts/test-citus.sh as the
-- superuser in autocommit, before them. Committed rather than seeded inside each test's
-- transaction: Citus refuses, within one transaction, to let a role read shard placements that
-- another role (here the seeding superuser) has written, and the checks act as tenantd_app.
--
-- Two tenants whose shards are on different workers: citus_north on the worker that holds
-- citus_tenant_a, citus_south on the other. Their ids are the first of a fixed list of uuids
-- that hash to each worker, so every run picks the same two on the same cluster layout.
\set ON_ERROR_STOP on
set client_min_messages = warning;

create temporary table citus_seed as
with candidates as (
  select ('00000000-0000-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid as id, i
    from generate_series(1, 64) i
),
placed as (
  select c.id, c.i, n.nodename, n.nodeport
    from candidates c
    join pg_dist_placement p
      on p.shardid = get_shard_id_for_distribution_column('tenantd.memberships', c.id)
    join pg_dist_node n on n.groupid = p.groupid
),
first_per_node as (
  select distinct on (nodeport) id, nodeport from placed order by nodeport, i
)
select (array_agg(id order by nodeport))[1] as tenant_a,
       (array_agg(id order by nodeport))[2] as tenant_b
  from first_per_node;

select tests.create_tenant('citus-north', tenant_a) from citus_seed;
select tests.create_tenant('citus-south', tenant_b) from citus_seed;
select tests.create_user('north-admin@citus.test', 'cccc0000-0000-4000-8000-00000000000a');
select tests.create_user('south-admin@citus.test', 'cccc0000-0000-4000-8000-00000000000b');
select tests.add_member(tenant_a, 'cccc0000-0000-4000-8000-00000000000a', 'tenant_admin') from citus_seed;
select tests.add_member(tenant_b, 'cccc0000-0000-4000-8000-00000000000b', 'tenant_admin') from citus_seed;

-- A deleted tenant whose purge was requested (tombstone written directly: no job, which a job
-- worker of a later test could run), for tests/sql-citus/88-citus-purge.sql. Committed, like the
-- rest: the purge runs as the owner, and Citus would refuse it on rows the seeding superuser
-- wrote in the same transaction.
select tests.create_tenant('citus-purge', '00000000-0000-4000-8000-0000000000c8', 'inactive');
select tests.create_user('purge-member@citus.test', 'cccc0000-0000-4000-8000-0000000000c8');
select tests.add_member('00000000-0000-4000-8000-0000000000c8', 'cccc0000-0000-4000-8000-0000000000c8', 'member');
update tenantd.tenants set deleted_at = now() - interval '40 days'
 where id = '00000000-0000-4000-8000-0000000000c8';
insert into tenantd.tenant_tombstones (id, slug_sha256, deleted_at, requested_by)
select id, sha256(convert_to(slug, 'UTF8')), deleted_at, 'citus-seed'
  from tenantd.tenants where id = '00000000-0000-4000-8000-0000000000c8';
