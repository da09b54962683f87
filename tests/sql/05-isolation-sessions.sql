-- sessions as tenantd_app: reads limited to the current tenant, never the token hash; no writes.
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
select is_empty(format($$select id from tenantd.sessions where tenant_id = %L or id = %L$$, :'tb', :'sb'),
                'A cannot select B''s sessions');
select throws_ok($$select id from tenantd.sessions where refresh_token_hash = '\xbb03'$$, '42501', null,
                 'nobody in the app role looks sessions up by token hash (only the definer functions do)');
-- sessions are written only by tenantd.auth_login_complete / auth_refresh / auth_logout
select throws_ok(format($$insert into tenantd.sessions (tenant_id, user_id, refresh_token_hash, expires_at)
                          values (%L, %L, '\xbb99', now() + interval '1 day')$$, :'tb', :'bob'),
                 '42501', null, 'A cannot insert a session with B''s tenant_id');
select throws_ok(format($$insert into tenantd.sessions (user_id, refresh_token_hash, expires_at)
                          values (%L, '\xaa99', now() + interval '1 day')$$, :'alice'),
                 '42501', null, 'nor one in its own tenant');
select throws_ok(format('update tenantd.sessions set revoked_at = now() where tenant_id = %L', :'tb'),
                 '42501', null, 'A cannot revoke B''s sessions');
select tests.refused(format('update tenantd.sessions set tenant_id = %L where id = %L', :'tb', :'sa'),
                     'A cannot move a session into B');
select throws_ok(format('delete from tenantd.sessions where id = %L', :'sb'), '42501', null,
                 'A cannot delete B''s session');
select throws_ok(format('update tenantd.sessions set revoked_at = null, expires_at = %L where id = %L', '2100-01-01', :'sa'),
                 '42501', null, 'A cannot extend or un-revoke its own session either');
select throws_ok(format('delete from tenantd.sessions where id = %L', :'sa'), '42501', null,
                 'nor delete it behind the logout function''s back');

reset role;
select results_eq(format('select * from tenantd.sessions where tenant_id = %L', :'tb'), 'table b_before',
                  'B''s sessions are unchanged (checked as superuser)');
select isnt_empty(format('select * from tenantd.sessions where id = %L', :'sb'), 'B''s session still exists');

select * from finish();
rollback;
