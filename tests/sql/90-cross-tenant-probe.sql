-- The cross-tenant probe (issue 8 item 8): every api.* function, every overload, called as
-- tenantd_app in tenant A's context (set through tenantd.enter_context as the service sets
-- it, as A's tenant_admin) with tenant B's ids and values in every argument that can carry
-- one. Attack: a caller of tenant A passes ids, emails, slugs and keys of tenant B wherever a
-- function takes an argument, hoping that a lookup by id forgets the tenant. Nothing B owns may
-- appear in an answer (or an error message), and no row of B may change.
-- The functions, B's tables and B's values are all found by catalog introspection
-- (tests/sql/setup/90_cross_tenant_probe.sql): a new function, table or column is probed
-- without editing this file.
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set tb bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
\set alice aaaaaaaa-0000-4000-8000-000000000001
\set bob bbbbbbbb-0000-4000-8000-000000000001
begin;
select tests.seed_two_tenants();

create temp table probe_seed_errors as
select unnest(tests.probe_seed(:'ta', :'alice', 'acme')
              || tests.probe_seed(:'tb', :'bob', 'globex')) as error;
-- citus-harness: commit (on Citus the probe's calls run in a second session, which must see
-- the seed; tests/tools/citus_role_segments.py commits here, one node ignores the comment)
set local client_min_messages = warning;
-- a call that hangs is a failure, not a stuck suite
set local statement_timeout = '600s';
create temp table probe_digest_before as select tests.probe_digest(:'tb') as digest;
create temp table probe_result as
select * from tests.cross_tenant_probe(:'ta', :'alice', :'tb');

select plan(5 + (select count(*)::int from probe_result));

select diag(format('cross-tenant probe: %s api functions, %s calls (%s refused), %s B values as inputs and needles, B rows in %s tables',
                   (select count(*) from probe_result), (select sum(calls) from probe_result),
                   (select sum(refused) from probe_result),
                   (select count(*) from tests.probe_needles(:'ta', :'tb')),
                   (select count(*) from (select distinct rel from tests.probe_rows(:'tb')) r)));
select diag('seeding skipped (schema changed): ' || error) from probe_seed_errors;
select diag(format('tenant table without B rows (nothing there to leak): %s', c.oid::regclass))
  from pg_class c
  join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
 where c.relkind in ('r', 'p') and c.relnamespace = 'tenantd'::regnamespace
   and c.oid::regclass::text not in (select distinct rel from tests.probe_rows(:'tb'));

-- the probe is worth something only when it has something to leak and something to call
select cmp_ok((select count(*)::int from probe_result), '>=', 20, 'the probe found the api functions');
select cmp_ok((select count(*)::int from tests.probe_needles(:'ta', :'tb') where is_uuid), '>=', 20,
              'B has ids of its own to probe with');
select ok((select bool_and(n.value <> all (select value from tests.probe_values(:'ta')))
             from tests.probe_needles(:'ta', :'tb') n)
          and exists (select 1 from tests.probe_needles(:'ta', :'tb') where value = 'globex')
          and exists (select 1 from tests.probe_needles(:'ta', :'tb') where value = 'bob@globex.test')
          and not exists (select 1 from tests.probe_needles(:'ta', :'tb') where value in ('member', 'active', 'tenant_admin')),
          'needles: B''s slug and emails, nothing A shares (role names, status words)');
select ok((select sum(calls) from probe_result) > (select count(*) from probe_result) * 10,
          'many calls per function (one per B value and argument)');

-- one verdict per function: nothing of B in any answer, no B row changed
select is(r.leaks || r.changes, '{}'::text[],
          format('%s: %s calls in A''s context with B''s values, no B value in an answer, no B row changed',
                 r.fn, r.calls))
  from probe_result r
 order by r.fn;

-- and all of B, once more at the end (the probe rolls back every call; this checks that
-- nothing escaped the subtransactions)
select is(tests.probe_digest(:'tb'), (select digest from probe_digest_before),
          'B''s rows are exactly as before the probe');

select * from finish();
rollback;
