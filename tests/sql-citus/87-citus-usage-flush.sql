-- The usage flush on the cluster (make test-citus; needs tests/sql-citus/seed.sql). The job
-- worker's tenantd.record_api_calls (as tenantd_worker, SECURITY DEFINER) writes one batch of
-- api_calls counts for several tenants in one transaction, switching app.tenant_id per tenant;
-- each row is checked on the worker holding the tenant's shard by the usage_daily policies,
-- with the context that worker was told. With set_config alone the workers kept no context
-- and refused every row ("new row violates row-level security policy for table
-- usage_daily_NNN"); record_api_calls now repeats the context with tenantd.propagate_context.
-- citus-north and citus-south have their shards on different workers (pgTAP 85 checks it).
--
-- Nothing is read back in the transaction: a read by another role than the owner that wrote
-- would be refused by Citus (docs/scale-out.md, "What does not work yet"); the function raises
-- on a refused row, and returns the count it wrote.
begin;
select plan(4);
select tests.share_tap_with('tenantd_worker');

select id as north from tenantd.tenants where slug = 'citus-north' \gset
select id as south from tenantd.tenants where slug = 'citus-south' \gset

set role tenantd_worker;

select is(tenantd.record_api_calls(format(
            '[{"tenant_id": "%s", "day": "2026-12-01", "count": 2},
              {"tenant_id": "%s", "day": "2026-12-01", "count": 3}]', :'north', :'south')::jsonb),
          5::bigint,
          'one flush writes the counts of two tenants whose shards are on different workers');
select is(tenantd.record_api_calls(format(
            '[{"tenant_id": "%s", "day": "2026-12-01", "count": 4},
              {"tenant_id": "%s", "day": "2026-12-01", "count": 1}]', :'south', :'north')::jsonb),
          5::bigint,
          'a second flush of the same day adds to both rows (the update path, on both workers)');
select is(tenantd.record_api_calls(
            '[{"tenant_id": "00000000-0000-4000-8000-0000000000ff", "day": "2026-12-01", "count": 9}]'::jsonb),
          0::bigint, 'counts for a tenant that does not exist are dropped');
select is(current_setting('app.tenant_id', true), '', 'the flush leaves no tenant context behind');

reset role;
select * from finish();
rollback;
