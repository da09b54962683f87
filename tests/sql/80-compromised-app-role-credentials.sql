-- The compromised app role, credential half: assume an attacker runs arbitrary SQL as
-- tenantd_app inside a legitimate request context (a member's, and a tenant_admin's). They must
-- not read any credential or identity-provider link — password hashes, refresh-token hashes,
-- invitation token hashes, the sign-up's token hash and nonce, external ids — and must not write
-- sessions or credentials directly. Every statement below is such an attempt; each must fail
-- with insufficient_privilege (42501).
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set alice aaaaaaaa-0000-4000-8000-000000000001
\set dave dddddddd-0000-4000-8000-000000000001
begin;
select plan(39);
select tests.share_tap_with('tenantd_app');
select tests.seed_two_tenants();
select tests.create_user('dave@acme.test', :'dave');
select tests.add_member(:'ta', :'dave', 'member');
update tenantd.users set external_id = 'user_ext_alice' where id = :'alice';
insert into tenantd.invitations (tenant_id, email, role, token_hash, expires_at)
values (:'ta', 'erin@acme.test', 'member', sha256('t80-invite'), now() + interval '1 day');
insert into tenantd.tenant_signups (tenant_id, admin_email, invitation_nonce, invitation_token_hash)
values (:'ta', 'alice@acme.test', sha256('t80-nonce'), sha256('t80-signup'));

create function pg_temp.attacks() returns setof text language sql immutable as $$
  values
    -- reads
    ('select password_hash from tenantd.memberships'),
    ('select * from tenantd.memberships'),
    ('select refresh_token_hash from tenantd.sessions'),
    ('select * from tenantd.sessions'),
    ('select token_hash from tenantd.invitations'),
    ('select * from tenantd.invitations'),
    ('select invitation_token_hash, invitation_nonce, admin_password_hash from tenantd.tenant_signups'),
    ('select external_id from tenantd.users'),
    ('select * from tenantd.users'),
    ('select count(*) from tenantd.users where external_id = ''user_ext_alice'''),
    ('select count(*) from tenantd.sessions where refresh_token_hash = ''\xaa03'''),
    ('select count(*) from tenantd.memberships where password_hash like ''hash%'''),
    -- writes
    ('insert into tenantd.sessions (tenant_id, user_id, refresh_token_hash, expires_at) values (''aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa'', ''dddddddd-0000-4000-8000-000000000001'', ''\x0102'', ''2100-01-01'')'),
    ('update tenantd.sessions set revoked_at = null, expires_at = ''2100-01-01'''),
    ('delete from tenantd.sessions'),
    ('update tenantd.memberships set password_hash = ''scrypt$15$8$1$x$y'''),
    ('insert into tenantd.memberships (user_id, role, password_hash) values (''dddddddd-0000-4000-8000-000000000001'', ''member'', ''x'')'),
    ('update tenantd.memberships set accepted_at = now()'),
    ('update tenantd.users set external_id = ''user_ext_mallory''')
$$;

set local role tenantd_app;

-- a plain member's context
select tests.act_as(:'ta', :'dave', 'member');
select throws_ok(sql, '42501', null, 'member context: ' || sql) from pg_temp.attacks() sql;

-- a tenant_admin's context: the same, members:write or not
select tests.act_as(:'ta', :'alice', 'tenant_admin');
select throws_ok(sql, '42501', null, 'tenant_admin context: ' || sql) from pg_temp.attacks() sql;

-- the login function, which the app role may call, hands out no hash: only the scrypt
-- parameters and salt (four '$'-separated fields after the scheme, no key)
select tests.act_as(null, null, null);
reset role;
update tenantd.memberships set password_hash = 'scrypt$15$8$1$ZGF2ZS1zYWx0LTAx$ZGF2ZS1rZXktMDEyMzQ1Njc4OWFiY2RlZjAxMjM0'
 where user_id = :'dave';
set local role tenantd_app;
select is((select key_params from tenantd.auth_login_begin('acme', 'dave@acme.test')), 'scrypt$15$8$1$ZGF2ZS1zYWx0LTAx',
          'tenantd.auth_login_begin answers the parameters and salt, never the stored key');

select * from finish();
rollback;
