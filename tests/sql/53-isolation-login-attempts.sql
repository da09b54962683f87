-- login_attempts as tenantd_app: readable only in the own tenant and only with audit:read;
-- never written by the app role directly (only the login functions write, as the owner).
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set tb bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
\set alice aaaaaaaa-0000-4000-8000-000000000001
begin;
select plan(8);
select tests.share_tap_with('tenantd_app');
select tests.seed_two_tenants();
insert into tenantd.login_attempts (tenant_id, email) values (:'ta', 'x@acme.test'), (:'tb', 'y@globex.test');
create temp table b_before as select * from tenantd.login_attempts where tenant_id = :'tb';

set local role tenantd_app;
select tests.act_as(:'ta', :'alice', 'tenant_admin');
select results_eq('select email from tenantd.login_attempts', $$values ('x@acme.test')$$,
                  'A''s admin sees A''s attempts only');
select throws_ok($$insert into tenantd.login_attempts (email) values ('z@acme.test')$$, '42501', null,
                 'the app role cannot record attempts');
select throws_ok($$update tenantd.login_attempts set succeeded = true$$, '42501', null,
                 'the app role cannot turn failures into successes');
select throws_ok($$delete from tenantd.login_attempts$$, '42501', null, 'the app role cannot erase failures');
select tests.act_as(:'ta', :'alice', 'member');
select is_empty('select * from tenantd.login_attempts', 'a member (no audit:read) sees none');
select tests.act_as(null, null, null);
select is_empty('select * from tenantd.login_attempts', 'no context: none');
select tests.act_as(:'tb', null, 'super_admin');
select results_eq('select email from tenantd.login_attempts', $$values ('y@globex.test')$$,
                  'a super admin sees the attempts of the tenant they act in only');
reset role;
select results_eq(format('select * from tenantd.login_attempts where tenant_id = %L', :'tb'), 'table b_before',
                  'B''s attempts unchanged');
select * from finish();
rollback;
