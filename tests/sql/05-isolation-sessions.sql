-- sessions as tenantd_app: every command limited to the current tenant.
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set tb bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
\set alice aaaaaaaa-0000-4000-8000-000000000001
\set bob bbbbbbbb-0000-4000-8000-000000000001
\set sa aaaaaaaa-0000-4000-8000-000000000003
\set sb bbbbbbbb-0000-4000-8000-000000000003
begin;
select plan(12);
select tests.share_tap_with('tenantd_app');
select tests.seed_two_tenants();
create temp table b_before as select * from tenantd.sessions where tenant_id = :'tb';

select tests.act_as(:'ta', :'alice', 'member');
set local role tenantd_app;

select results_eq('select id from tenantd.sessions', array[:'sa'::uuid],
                  'A sees exactly its own sessions');
select is_empty(format($$select * from tenantd.sessions where tenant_id = %L or id = %L or refresh_token_hash = '\xbb03'$$,
                       :'tb', :'sb'),
                'A cannot select B''s sessions, not even by token hash');
select throws_ok(format($$insert into tenantd.sessions (tenant_id, user_id, refresh_token_hash, expires_at)
                          values (%L, %L, '\xbb99', now() + interval '1 day')$$, :'tb', :'bob'),
                 '42501', null, 'A cannot insert a session with B''s tenant_id');
select lives_ok(format($$insert into tenantd.sessions (user_id, refresh_token_hash, expires_at, created_at)
                         values (%L, '\xaa99', now() + interval '1 day', '2000-01-01')$$, :'alice'),
                'A inserts a session without naming the tenant');
select results_eq($$select tenant_id, created_at = now() from tenantd.sessions where refresh_token_hash = '\xaa99'$$,
                  format('values (%L::uuid, true)', :'ta'),
                  'tenant_id comes from the context and created_at from the trigger');
select is(tests.affected_rows(format('update tenantd.sessions set revoked_at = now() where tenant_id = %L', :'tb')),
          0, 'A cannot revoke B''s sessions');
select throws_ok(format('update tenantd.sessions set tenant_id = %L where id = %L', :'tb', :'sa'),
                 '42501', null, 'A cannot move a session into B');
select is(tests.affected_rows(format('delete from tenantd.sessions where id = %L', :'sb')), 0,
          'A cannot delete B''s session');
select is(tests.affected_rows(format('update tenantd.sessions set last_used_at = now() where id = %L', :'sa')),
          1, 'A updates its own session');
select is(tests.affected_rows($$delete from tenantd.sessions where refresh_token_hash = '\xaa99'$$), 1,
          'A deletes its own session');

reset role;
select results_eq(format('select * from tenantd.sessions where tenant_id = %L', :'tb'), 'table b_before',
                  'B''s sessions are unchanged (checked as superuser)');
select isnt_empty(format('select * from tenantd.sessions where id = %L', :'sb'), 'B''s session still exists');

select * from finish();
rollback;
