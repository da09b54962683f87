-- A purge on the cluster (make test-citus; needs tests/sql-citus/seed.sql: citus-purge, deleted,
-- its purge requested). The job worker's tenantd.purge_step (as tenantd_worker, SECURITY
-- DEFINER) names the tenant in tenantd.purge_tenant, which the shards' purge policies read on
-- the workers. With set_config the workers never saw it: every table looked empty there and
-- the first step answered {"done": true} with all the tenant's rows left (docs/scale-out.md,
-- "What does not work yet", item 10).
--
-- The tenant's rows are counted by the superuser first; after the owner has written, Citus
-- refuses reads by another role in the transaction, so the steps' own answers are the evidence:
-- every batch names its table and count, and done comes only once they add up.
begin;
select plan(5);
select tests.share_tap_with('tenantd_worker');
\set victim '00000000-0000-4000-8000-0000000000c8'

create temp table purge_expected as
select format('%I.%I', n.nspname, c.relname) as rel,
       (xpath('//n/text()',
              query_to_xml(format('select count(*) as n from %s where tenant_id = %L', c.oid::regclass, :'victim'),
                           false, false, '')))[1]::text::bigint as n
  from pg_class c
  join pg_namespace n on n.oid = c.relnamespace
  join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
 where n.nspname = 'tenantd' and c.relkind in ('r', 'p') and not c.relispartition;
delete from purge_expected where n = 0;
grant select on purge_expected to tenantd_worker;
create temp table purge_steps (n serial, answer jsonb);
grant all on purge_steps, purge_steps_n_seq to tenantd_worker;

select ok((select count(*) from purge_expected where rel in ('tenantd.roles', 'tenantd.memberships')) = 2,
          'the seeded tenant has roles and a membership to purge');

set role tenantd_worker;
do $$
declare
  v_answer jsonb;
begin
  for i in 1 .. 50 loop
    v_answer := tenantd.purge_step('00000000-0000-4000-8000-0000000000c8', 1000);
    insert into purge_steps (answer) values (v_answer);
    exit when (v_answer ->> 'done')::boolean;
  end loop;
end
$$;

select is((select answer from purge_steps order by n desc limit 1), '{"done": true}'::jsonb,
          'the purge finishes');
select ok((select count(*) from purge_steps) > 1,
          'and not at its first step: the workers saw the tenant being purged');
select results_eq(
  $$select (answer ->> 'table') collate "C", sum((answer ->> 'deleted')::bigint) from purge_steps
     where not (answer ->> 'done')::boolean group by 1 order by 1$$,
  $$select rel collate "C", n::numeric from purge_expected order by 1$$,
  'every row of the tenant, table by table, was deleted, and no more');
select is(tenantd.purge_step('00000000-0000-4000-8000-0000000000c8', 1000), '{"done": true}'::jsonb,
          'a further step finds nothing left to do');

reset role;
select * from finish();
rollback;
