-- The cross-tenant probe (tests/sql/90) can fail: two endpoint functions planted here, one that
-- reads any user's email by id and one that renames any member by user id (both SECURITY
-- DEFINER as the superuser, so row-level security does not stop them), are probed alone
-- (tests.cross_tenant_probe's p_only). The probe must report B's email in the first one's
-- answers and B's changed rows after the second. On Citus (make test-citus) the probe's other
-- path runs (every call in a second session, tests.probe_remote_open), so this checks that
-- path too.
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set tb bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
\set alice aaaaaaaa-0000-4000-8000-000000000001
\set bob bbbbbbbb-0000-4000-8000-000000000001
begin;
select tests.seed_two_tenants();
select tests.probe_seed(:'ta', :'alice', 'acme') || tests.probe_seed(:'tb', :'bob', 'globex') as seed_errors \gset
-- citus-harness: commit (the probe's second session must see the seed and the planted functions)
set local client_min_messages = warning;

create function api.probe_planted_leak(ctx jsonb, p_user_id uuid) returns text
language plpgsql stable security definer
set search_path = pg_catalog
as $$
begin
  return (select u.email from tenantd.users u where u.id = p_user_id);
end
$$;
create function api.probe_planted_change(ctx jsonb, p_user_id uuid) returns text
language plpgsql volatile security definer
set search_path = pg_catalog
as $$
begin
  update tenantd.memberships m set display_name = 'renamed by a planted function' where m.user_id = p_user_id;
  return 'done';
end
$$;
grant execute on function api.probe_planted_leak(jsonb, uuid), api.probe_planted_change(jsonb, uuid) to tenantd_app;
-- citus-harness: commit

select plan(6);
select is(:'seed_errors'::text[], '{}'::text[], 'the probe''s seed went in whole');

create temp table planted_leak as select * from tests.cross_tenant_probe(:'ta', :'alice', :'tb', 'probe_planted_leak');
create temp table planted_change as select * from tests.cross_tenant_probe(:'ta', :'alice', :'tb', 'probe_planted_change');

select is((select count(*)::int from planted_leak where calls > 0), 1, 'the planted reader was probed');
select ok((select array_to_string(leaks, ' | ') ~ 'bob@globex\.test' from planted_leak),
          'the probe reports B''s email in the planted reader''s answer');
select ok((select array_to_string(leaks, ' | ') !~ 'probe error' from planted_leak),
          'and the probe itself ran without errors there');
select ok((select cardinality(changes) > 0 and array_to_string(changes, ' | ') ~ 'tenantd\.memberships'
             from planted_change),
          'the probe reports B''s memberships changed by the planted writer');
select ok((select array_to_string(leaks, ' | ') !~ 'probe error' from planted_change),
          'and ran without errors there');

-- on Citus the file's writes are committed (the harness): the planted functions go again
drop function api.probe_planted_leak(jsonb, uuid);
drop function api.probe_planted_change(jsonb, uuid);
-- citus-harness: commit
select * from finish();
rollback;
