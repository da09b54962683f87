-- tenantd.auth_login_begin / tenantd.auth_login_complete / tenantd.auth_refresh / tenantd.auth_logout, called
-- as tenantd_app with no context, as the public /v1/auth routes do.
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set tb bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
\set alice aaaaaaaa-0000-4000-8000-000000000001
\set bob bbbbbbbb-0000-4000-8000-000000000001
begin;
select plan(39);
select tests.share_tap_with('tenantd_app');
select tests.seed_two_tenants();
create temp table attempt (id uuid);
grant all on attempt to tenantd_app;
set local role tenantd_app;
select tests.act_as(null, null, null);

-- Well-formed stand-ins for scrypt hashes (the database compares, it never derives): alice's
-- credential in A, and the same password "derived" as the C++ layer would send it.
reset role;
update tenantd.memberships set password_hash = 'scrypt$15$8$1$YWxpY2Utc2FsdC0wMQ$YWxpY2Uta2V5LWluLWEtMDEyMzQ1Njc4OWFiY2RlZg'
 where tenant_id = :'ta' and user_id = :'alice';
update tenantd.memberships set password_hash = 'scrypt$15$8$1$Ym9iLXNhbHQtMDE$Ym9iLWtleS1pbi1iLTAxMjM0NTY3ODlhYmNkZWY'
 where tenant_id = :'tb' and user_id = :'bob';
\set alice_hash 'scrypt$15$8$1$YWxpY2Utc2FsdC0wMQ$YWxpY2Uta2V5LWluLWEtMDEyMzQ1Njc4OWFiY2RlZg'
\set bob_hash 'scrypt$15$8$1$Ym9iLXNhbHQtMDE$Ym9iLWtleS1pbi1iLTAxMjM0NTY3ODlhYmNkZWY'
set local role tenantd_app;
select tests.act_as(null, null, null);

-- what login needs: the parameters and salt of this tenant's credential, never the hash
select results_eq($$select outcome, tenant_id, key_params
                      from tenantd.auth_login_begin('acme', 'ALICE@acme.test')$$,
                  format($$values ('check', %L::uuid, 'scrypt$15$8$1$YWxpY2Utc2FsdC0wMQ')$$, :'ta'),
                  'by slug, any letter case: the scrypt parameters and salt of the membership''s credential');
select results_eq(format($$select outcome, key_params from tenantd.auth_login_begin(%L, 'alice@acme.test')$$, :'ta'),
                  $$values ('check', 'scrypt$15$8$1$YWxpY2Utc2FsdC0wMQ')$$, 'by tenant id as well');
select results_eq($$select outcome, key_params ~ '^scrypt\$15\$8\$1\$[A-Za-z0-9_-]{22}$' from tenantd.auth_login_begin('acme', 'nobody@acme.test')$$,
                  $$values ('check', true)$$, 'an unknown email: a check with dummy parameters of the same shape');
select is((select key_params from tenantd.auth_login_begin('acme', 'nobody@acme.test')),
          (select key_params from tenantd.auth_login_begin('acme', 'nobody@acme.test')),
          'the dummy salt is the same every time (a changing salt would tell unknown accounts apart)');
select results_eq($$select outcome, key_params <> 'scrypt$15$8$1$YWxpY2Utc2FsdC0wMQ' from tenantd.auth_login_begin('globex', 'alice@acme.test')$$,
                  $$values ('check', true)$$,
                  'a user of another tenant: that tenant''s credential is never offered');
select results_eq($$select outcome, attempt_id from tenantd.auth_login_begin('no-such-tenant', 'alice@acme.test')$$,
                  $$values ('unknown_tenant', null::uuid)$$, 'an unknown tenant: nothing recorded');
select is(current_setting('app.tenant_id', true), :'tb', 'the last call acted in its tenant (transaction-local)');
reset role;
select is((select count(*)::int from tenantd.login_attempts where tenant_id = :'ta'), 5,
          'five attempts recorded in A, as failures until completed');
select is((select count(*)::int from tenantd.login_attempts where not succeeded and tenant_id in (:'ta', :'tb')), 6,
          'all six pending as failed');
delete from tenantd.login_attempts where tenant_id in (:'ta', :'tb');

-- a wrong password: compared in the database, the attempt is spent
set local role tenantd_app;
select tests.act_as(null, null, null);
insert into attempt select attempt_id from tenantd.auth_login_begin('acme', 'alice@acme.test');
select results_eq(format($$select outcome, session_id from tenantd.auth_login_complete((select id from attempt), %L,
                             'scrypt$15$8$1$YWxpY2Utc2FsdC0wMQ$d3JvbmctcGFzc3dvcmQtZGVyaXZlZC1rZXktMDEyMzQ', sha256('rt0'), 30)$$, :'ta'),
                  $$values ('invalid', null::uuid)$$, 'a wrong derived key: invalid, no session');
select results_eq(format($$select outcome from tenantd.auth_login_complete((select id from attempt), %L, %L, sha256('rt0'), 30)$$,
                         :'ta', :'alice_hash'),
                  $$values ('invalid')$$, 'the spent attempt cannot be retried with another guess, even the right one');
select results_eq(format($$select outcome from tenantd.auth_login_complete((select id from attempt), %L, %L, sha256('rt0'), 30)$$,
                         :'tb', :'alice_hash'),
                  $$values ('invalid')$$, 'nor presented in another tenant');
truncate attempt;
-- bob's credential from B does not open A (alice's account there) and A's credential not B
insert into attempt select attempt_id from tenantd.auth_login_begin('globex', 'bob@globex.test');
select results_eq(format($$select outcome from tenantd.auth_login_complete((select id from attempt), %L, %L, sha256('rt0'), 30)$$,
                         :'tb', :'alice_hash'),
                  $$values ('invalid')$$, 'another membership''s credential is not this one''s');
truncate attempt;
reset role;
delete from tenantd.login_attempts where tenant_id in (:'ta', :'tb');
update tenantd.memberships set accepted_at = null where tenant_id = :'ta' and user_id = :'alice';

-- success
set local role tenantd_app;
select tests.act_as(null, null, null);
insert into attempt select attempt_id from tenantd.auth_login_begin('acme', 'alice@acme.test');
select results_eq(format($$select outcome, user_id, role, expires_at = now() + interval '30 days'
                             from tenantd.auth_login_complete((select id from attempt), %L, %L, sha256('rt1'), 30)$$,
                         :'ta', :'alice_hash'),
                  format($$values ('ok', %L::uuid, 'tenant_admin', true)$$, :'alice'),
                  'completing a login with the right derived key starts a session with the membership role');
select results_eq(format($$select outcome from tenantd.auth_login_complete((select id from attempt), %L, %L, sha256('rt1x'), 30)$$,
                         :'ta', :'alice_hash'),
                  $$values ('invalid')$$, 'an attempt completes once');
select results_eq(format($$select outcome from tenantd.auth_login_complete(gen_random_uuid(), %L, %L, sha256('rt1y'), 30)$$,
                         :'ta', :'alice_hash'),
                  $$values ('invalid')$$, 'an unknown attempt cannot be completed');
reset role;
select results_eq(format('select succeeded, user_id from tenantd.login_attempts where tenant_id = %L', :'ta'),
                  format($$values (true, %L::uuid)$$, :'alice'), 'the attempt is a success now');
select isnt((select accepted_at from tenantd.memberships where tenant_id = :'ta' and user_id = :'alice'), null,
            'a login takes the membership up (it now counts toward MAX_TENANTS_PER_USER)');
select results_eq(format($$select action, actor_id, actor_role from tenantd.audit_log
                            where action = 'auth.login' and tenant_id = %L$$, :'ta'),
                  format($$values ('auth.login', %L::uuid, 'tenant_admin')$$, :'alice'), 'auth.login audited');

-- lockout: 5 failures within 15 minutes
set local role tenantd_app;
select tests.act_as(null, null, null);
select is((select count(*)::int from (select (tenantd.auth_login_begin('acme', 'alice@acme.test')).outcome
                                         from generate_series(1, 5)) b where b.outcome = 'check'),
          5, 'five failing attempts are checked');
select results_eq($$select outcome, retry_after between 895 and 900 from tenantd.auth_login_begin('acme', 'Alice@acme.test')$$,
                  $$values ('locked', true)$$, 'the sixth is locked for ~15 minutes');
select results_eq($$select outcome from tenantd.auth_login_begin('acme', 'nobody@acme.test')$$,
                  $$values ('check')$$, 'another account is not locked');
reset role;
select is((select count(*)::int from tenantd.login_attempts where not succeeded and tenant_id = :'ta'), 6,
          'locked attempts are not recorded (the lock is not extended)');
-- the window slides: failures older than 15 minutes no longer count
update tenantd.login_attempts set at = at - interval '20 minutes'
 where tenant_id = :'ta' and email = 'alice@acme.test' and succeeded;
update tenantd.login_attempts set at = at - interval '14 minutes 50 seconds'
 where tenant_id = :'ta' and email = 'alice@acme.test' and not succeeded;
set local role tenantd_app;
select tests.act_as(null, null, null);
select results_eq($$select outcome, retry_after between 5 and 11 from tenantd.auth_login_begin('acme', 'alice@acme.test')$$,
                  $$values ('locked', true)$$, 'Retry-After counts down to the end of the window');
reset role;
update tenantd.login_attempts set at = at - interval '1 minute'
 where tenant_id = :'ta' and email = 'alice@acme.test' and not succeeded;
set local role tenantd_app;
select tests.act_as(null, null, null);
select results_eq($$select outcome from tenantd.auth_login_begin('acme', 'alice@acme.test')$$,
                  $$values ('check')$$, 'unlocked once the failures are older than 15 minutes');
-- unknown emails lock the same way (no account enumeration through the lockout)
select is((select count(*)::int from (select (tenantd.auth_login_begin('acme', 'ghost@acme.test')).outcome
                                         from generate_series(1, 5)) b), 5, 'five attempts for an unknown email');
select results_eq($$select outcome from tenantd.auth_login_begin('acme', 'ghost@acme.test')$$, $$values ('locked')$$,
                  'an unknown email locks like a known one');

-- refresh rotation and reuse detection
select results_eq(format($$select outcome, user_id, role from tenantd.auth_refresh(%L, sha256('rt1'), sha256('rt2'), 30)$$, :'ta'),
                  format($$values ('ok', %L::uuid, 'tenant_admin')$$, :'alice'), 'refresh rotates');
select results_eq(format($$select outcome from tenantd.auth_refresh(%L, sha256('rt2'), sha256('rt3'), 30)$$, :'ta'),
                  $$values ('ok')$$, 'the new token rotates again');
select results_eq(format($$select outcome from tenantd.auth_refresh(%L, sha256('nope'), sha256('rt9'), 30)$$, :'ta'),
                  $$values ('invalid')$$, 'an unknown token is invalid');
select results_eq(format($$select outcome from tenantd.auth_refresh(%L, sha256('rt3'), sha256('rt9'), 30)$$, :'tb'),
                  $$values ('invalid')$$, 'A''s token presented as B''s is invalid (looked up in B only)');
select results_eq(format($$select outcome from tenantd.auth_refresh(%L, sha256('rt1'), sha256('rt9'), 30)$$, :'ta'),
                  $$values ('reuse')$$, 'a rotated token presented again: reuse');
select results_eq(format($$select outcome from tenantd.auth_refresh(%L, sha256('rt3'), sha256('rt10'), 30)$$, :'ta'),
                  $$values ('invalid')$$, 'after reuse the newest token of the family is dead too');
reset role;
select results_eq($$select count(*)::int, count(*) filter (where revoked_at is null)::int from tenantd.sessions
                     where refresh_token_hash in (sha256('rt1'), sha256('rt2'), sha256('rt3'))$$,
                  $$values (3, 0)$$, 'the whole family is revoked');
select is((select count(*)::int from tenantd.audit_log where action = 'auth.refresh_token_reused' and tenant_id = :'ta'),
          1, 'reuse audited');

-- logout revokes the family
set local role tenantd_app;
select tests.act_as(null, null, null);
truncate attempt;
insert into attempt select attempt_id from tenantd.auth_login_begin('globex', 'bob@globex.test');
select results_eq(format($$select outcome from tenantd.auth_login_complete((select id from attempt), %L, %L, sha256('rb1'), 30)$$,
                         :'tb', :'bob_hash'),
                  $$values ('ok')$$, 'bob logs in');
select ok(tenantd.auth_logout(:'tb', sha256('rb1')), 'logout finds the live session');
select ok(not tenantd.auth_logout(:'tb', sha256('rb1')), 'logging out again finds nothing');
select results_eq(format($$select outcome from tenantd.auth_refresh(%L, sha256('rb1'), sha256('rb2'), 30)$$, :'tb'),
                  $$values ('invalid')$$, 'a logged-out token cannot be refreshed');

select * from finish();
rollback;
