-- Purge: tenantd.purge_step deletes one tenant's rows batch by batch from every tenant table
-- (introspected) and nothing of another; the purge policies open only in worker or owner
-- sessions; request_purge only for operators and deleted tenants; the grace sweep starts only
-- purges that are due.
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set tb bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
\set tc cccccccc-cccc-4ccc-8ccc-cccccccccccc
begin;
select plan(16);
select tests.share_tap_with('tenantd_app');
select tests.share_tap_with('tenantd_worker');
select tests.seed_two_tenants();
select tests.create_tenant('initech', :'tc');
insert into tenantd.tenant_configs (tenant_id, type, key, value)
select t, 'general', 'k' || i, to_jsonb(i) from unnest(array[:'ta', :'tb']::uuid[]) t, generate_series(1, 7) i;
insert into tenantd.tenant_data_keys (tenant_id, id, kek_id, wrapped_key)
values (:'ta', gen_random_uuid(), 'k1', repeat('A', 80)), (:'tb', gen_random_uuid(), 'k1', repeat('B', 80));
-- events are appended by every status change, the test's own included (it deletes another
-- tenant below): the events that existed before must be left exactly as they were
select set_config('tests.max_event', coalesce(max(id), 0)::text, true) from tenantd.events;
create function pg_temp.only_earlier(p_table oid) returns text language sql stable as
  $$ select case when p_table = 'tenantd.events'::regclass
                 then ' and id <= ' || current_setting('tests.max_event') else '' end $$;
create temp table b_before as
select md5(string_agg(x, ',' order by x)) as digest from (
  select (xpath('/row/d/text()', query_to_xml(format(
           'select md5(coalesce(string_agg(t::text, '','' order by t::text), '''')) as d from %s t where tenant_id <> %L%s',
           c.oid::regclass, :'ta', pg_temp.only_earlier(c.oid)), false, true, '')))[1]::text as x
    from pg_class c join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id'
   where c.relnamespace = 'tenantd'::regnamespace and c.relkind = 'r') r;

-- who may start and run a purge
select tests.act_as(:'ta', 'aaaaaaaa-0000-4000-8000-000000000001', 'tenant_admin');
set local role tenantd_app;
select set_config('tenantd.purge_tenant', :'ta', true);
select throws_ok('select tenantd.purge_tenant_id()', '42501', null, 'the app role cannot ask which tenant is purged');
select throws_ok($$delete from tenantd.memberships where user_id = 'aaaaaaaa-0000-4000-8000-000000000001'$$, 'TDC09', null,
                 'naming a tenant that is not being purged opens nothing: the last admin stays');
select throws_ok(format('select tenantd.purge_step(%L, 10)', :'tb'), '42501', null, 'the app role cannot run a purge step');
reset role;
select set_config('tenantd.purge_tenant', '', true);

select throws_ok(format('select tenantd.request_purge(%L, %L)', :'ta', 'x'), 'TDC06', null, 'a tenant that is not deleted is not purged');
set local role tenantd_worker;
select throws_ok(format('select tenantd.purge_step(%L, 10)', :'ta'), 'TD404', null, 'no purge step without a requested purge');
reset role;

-- the grace period
update tenantd.tenants set deleted_at = now() - interval '31 days' where id = :'ta';
update tenantd.tenants set deleted_at = now() - interval '29 days' where id = :'tc';
set local role tenantd_worker;
select is(tenantd.enqueue_due_purges(30), 1, 'one tenant is past the grace period');
reset role;
select results_eq(format('select id from tenantd.tenant_tombstones where id in (%L, %L)', :'ta', :'tc'), array[:'ta'::uuid],
                  'A got its tombstone, C (29 days) not');
select is((select count(*)::int from tenantd.jobs where kind = 'tenant.purge' and payload ->> 'tenant_id' = :'ta'), 1,
          'and its purge job');

-- the steps, as the worker runs them
set local role tenantd_worker;
select is(tenantd.purge_step(:'ta', 3) ->> 'table', 'tenantd.tenant_data_keys', 'the data key is shredded first');
select jsonb_agg(tenantd.purge_step(:'ta', 3) order by n) as steps from generate_series(1, 200) n \gset
reset role;
select ok((select count(*) from jsonb_array_elements(:'steps') r where (r ->> 'done')::boolean) > 0, 'the purge finishes');
select is((select count(*)::int from jsonb_array_elements(:'steps') r where r ->> 'table' = 'tenantd.tenant_configs'), 3,
          'batches of 3: seven configuration rows take three steps');
select is((select count(*)::int from tenantd.tenants where id = :'ta'), 0, 'the tenant row is gone');
select is((select sum((xpath('/row/n/text()', query_to_xml(format('select count(*) as n from %s where tenant_id = %L', c.oid::regclass, :'ta'), false, true, '')))[1]::text::int)
             from pg_class c join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id'
            where c.relnamespace = 'tenantd'::regnamespace and c.relkind = 'r'), 0::bigint,
          'no row of A in any tenant table');
select is((select md5(string_agg(x, ',' order by x)) from (
             select (xpath('/row/d/text()', query_to_xml(format(
                      'select md5(coalesce(string_agg(t::text, '','' order by t::text), '''')) as d from %s t where tenant_id <> %L%s',
                      c.oid::regclass, :'ta', pg_temp.only_earlier(c.oid)), false, true, '')))[1]::text as x
               from pg_class c join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id'
              where c.relnamespace = 'tenantd'::regnamespace and c.relkind = 'r') r),
          (select digest from b_before), 'every other tenant''s rows are exactly as before');
select ok((select purged_at is not null and (row_counts ->> 'tenantd.tenant_configs')::int = 7
                  and slug_sha256 = sha256(convert_to('acme', 'UTF8')) and requested_by = 'grace'
             from tenantd.tenant_tombstones where id = :'ta'), 'the tombstone: purged_at, counts, the slug as a hash');
select is((select count(*)::int from tenantd.platform_log where event = 'tenant.purged' and tenant_id_text = :'ta'), 1,
          'one platform log line');

select * from finish();
rollback;
