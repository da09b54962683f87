-- Fail closed: without a tenant context, with a tenant that does not exist, or with a malformed
-- context, every protected table shows no rows and refuses inserts; nothing raises.
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set alice aaaaaaaa-0000-4000-8000-000000000001
begin;
select plan(16);
select tests.share_tap_with('tenantd_app');
select tests.share_tap_with('tenantd_readonly');
select tests.seed_two_tenants();

create temp view protected_counts as
  select (select count(*)::int from tenantd.tenants) as tenants,
         (select count(*)::int from tenantd.users) as users,
         (select count(*)::int from tenantd.memberships) as memberships,
         (select count(*)::int from tenantd.sessions) as sessions,
         (select count(*)::int from tenantd.audit_log) as audit_log;
-- security_invoker: the view must count as whoever selects from it, not as its owner
alter view protected_counts set (security_invoker = true);
select tests.share_tap_with('tenantd_app');
select tests.share_tap_with('tenantd_readonly');

set local role tenantd_app;

-- no context at all (nothing set in this transaction)
select results_eq('select * from protected_counts', 'values (0, 0, 0, 0, 0)',
                  'no context: every protected table shows zero rows');
select throws_ok($$insert into tenantd.tenants (slug, name) values ('nocontext', 'No context')$$,
                 '42501', null, 'no context: tenants insert refused');
select throws_ok($$insert into tenantd.users (email) values ('nobody@nowhere.test')$$,
                 '42501', null, 'no context: users insert refused');
select throws_ok(format('insert into tenantd.memberships (tenant_id, user_id, role) values (%L, %L, %L)',
                        :'ta', :'alice', 'member'),
                 '42501', null, 'no context: memberships insert naming a tenant refused');
select tests.refused(format('insert into tenantd.memberships (user_id, role) values (%L, %L)', :'alice', 'member'),
                     'no context: memberships insert without tenant refused');
select throws_ok(format($$insert into tenantd.sessions (tenant_id, user_id, refresh_token_hash, expires_at)
                          values (%L, %L, '\xcc01', now())$$, :'ta', :'alice'),
                 '42501', null, 'no context: sessions insert refused');
select throws_ok(format('insert into tenantd.audit_log (tenant_id, action) values (%L, %L)', :'ta', 'x'),
                 '42501', null, 'no context: audit_log insert refused');
select is(tests.affected_rows('update tenantd.memberships set role = ''member'''), 0,
          'no context: updates touch nothing');
select throws_ok('delete from tenantd.sessions', '42501', null,
          'no context: deletes of sessions are refused (the app role writes no sessions)');

-- a tenant that does not exist
select tests.act_as('00000000-0000-4000-8000-00000000dead', null, 'tenant_admin');
select results_eq('select * from protected_counts', 'values (0, 0, 0, 0, 0)',
                  'unknown tenant id: every protected table shows zero rows');

-- malformed and empty settings mean "no context", never an error
select set_config('app.tenant_id', 'not-a-uuid', true), set_config('app.user_id', 'not-a-uuid', true);
select lives_ok('select * from protected_counts', 'malformed context: reading does not raise');
select results_eq('select * from protected_counts', 'values (0, 0, 0, 0, 0)',
                  'malformed context: every protected table shows zero rows');
select set_config('app.tenant_id', upper(:'ta') || '}', true);
select results_eq('select * from protected_counts', 'values (0, 0, 0, 0, 0)',
                  'almost-uuid context: every protected table shows zero rows');
select set_config('app.tenant_id', '', true), set_config('app.user_id', '', true);
select results_eq('select * from protected_counts', 'values (0, 0, 0, 0, 0)',
                  'empty context: every protected table shows zero rows');

-- the reporting role is bound the same way
reset role;
select tests.act_as(null, null, null);
set local role tenantd_readonly;
select results_eq('select * from protected_counts', 'values (0, 0, 0, 0, 0)',
                  'tenantd_readonly without context sees zero rows');
select tests.act_as(:'ta', null, null);
-- users: no identity without a user context (members are listed from memberships.email)
select results_eq('select * from protected_counts', 'values (1, 0, 1, 1, 1)',
                  'tenantd_readonly acting in A sees A''s rows only');

reset role;
select * from finish();
rollback;
