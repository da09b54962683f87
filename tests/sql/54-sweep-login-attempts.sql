-- tenantd.sweep_login_attempts(): the maintenance sweep removes login attempts older than an
-- hour in every tenant (an unauthenticated client could otherwise grow the table without end
-- by trying new addresses), keeps the ones the lockout still reads, and leaves the caller's
-- context as it was.
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set tb bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
begin;
select plan(5);
select tests.share_tap_with('tenantd_worker');
select tests.seed_two_tenants();

insert into tenantd.login_attempts (tenant_id, email, at) values
  (:'ta', 'old@t54.test', now() - interval '2 hours'),
  (:'ta', 'old@t54.test', now() - interval '61 minutes'),
  (:'ta', 'recent@t54.test', now() - interval '14 minutes'),
  (:'tb', 'old@t54.test', now() - interval '3 days'),
  (:'tb', 'recent@t54.test', now() - interval '1 minute');

select tests.act_as(:'tb', null, 'member');
set local role tenantd_worker;
select is(tenantd.sweep_login_attempts() >= 3, true, 'the sweep deletes the attempts older than an hour');
select is(current_setting('app.tenant_id', true), :'tb', 'and restores the caller''s tenant context');
reset role;
select is((select count(*)::int from tenantd.login_attempts where email = 'old@t54.test'), 0,
          'old attempts are gone in every tenant');
select is((select count(*)::int from tenantd.login_attempts where email = 'recent@t54.test'), 2,
          'attempts inside the lockout window stay');
select is((select count(*)::int from tenantd.login_attempts where tenant_id = :'ta'), 1, 'tenant A keeps its recent one');

select * from finish();
rollback;
