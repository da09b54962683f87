-- api.create_invitation, api.create_invitations_bulk, api.list_invitations,
-- api.revoke_invitation, api.accept_invitation (called as tenantd_app, as the service does).
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set tb bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
\set alice aaaaaaaa-0000-4000-8000-000000000001
\set bob bbbbbbbb-0000-4000-8000-000000000001
begin;
select plan(43);
select tests.share_tap_with('tenantd_app');
select tests.seed_two_tenants();
set local role tenantd_app;

-- inviting
select tests.act_as(:'ta', :'alice', 'tenant_admin');
select results_eq($$select email, role, status, expires_at = now() + interval '7 days', invited_by
                      from api.create_invitation('Carol@Example.test', 'member', 7, sha256('tok-carol'))$$,
                  format($$values ('Carol@Example.test', 'member', 'pending', true, %L::uuid)$$, :'alice'),
                  'a tenant admin invites an address: pending, expiry from the days given');
select results_eq($$select a.action, a.target_type, a.details ->> 'email', a.actor_id
                      from tenantd.audit_log a where a.action = 'invitation.created'$$,
                  format($$values ('invitation.created', 'invitation', 'Carol@Example.test', %L::uuid)$$, :'alice'),
                  'one invitation.created audit row');
select throws_ok($$select * from api.create_invitation('carol@example.TEST', 'member', 7, sha256('tok-2'))$$,
                 'TDC01', 'a pending invitation for this address exists; revoke it first',
                 'a second pending invitation for the same address: already_invited');
select throws_ok($$select * from api.create_invitation('alice@acme.test', 'member', 7, sha256('tok-3'))$$,
                 'TDC02', 'this address belongs to a member of the tenant',
                 'inviting a member: already_member');
select throws_ok($$select * from api.create_invitation('bob@globex.test', 'owner', 7, sha256('tok-4'))$$,
                 'TDV09', null, 'an unknown role: TD422');
select throws_ok($$select * from api.create_invitation('bob@globex.test', 'member', 31, sha256('tok-5'))$$,
                 'TD422', 'expires_in_days must be an integer from 1 to 30', 'expiry over 30 days: TD422');
select throws_ok($$select * from api.create_invitation('bob@globex.test', 'member', 0, sha256('tok-5'))$$,
                 'TD422', null, 'expiry of 0 days: TD422');
select throws_ok($$select * from api.create_invitation('not-an-email', 'member', 7, sha256('tok-6'))$$,
                 'TD422', null, 'a bad email: TD422');
select tests.act_as(:'ta', :'alice', 'member');
select throws_ok($$select * from api.create_invitation('erin@example.test', 'member', 7, sha256('tok-7'))$$,
                 'TD403', 'inviting needs the invitations:write permission', 'a member cannot invite');
select tests.act_as(null, :'alice', 'tenant_admin');
select throws_ok($$select * from api.create_invitation('erin@example.test', 'member', 7, sha256('tok-7'))$$,
                 'TD400', 'no tenant context', 'no tenant context: TD400');

-- a tenant-defined role with invitations:write cannot invite a tenant_admin
reset role;
insert into tenantd.roles (tenant_id, name) values (:'ta', 'recruiter');
insert into tenantd.role_permissions (tenant_id, role_id, permission)
select :'ta', r.id, 'invitations:write' from tenantd.roles r where r.tenant_id = :'ta' and r.name = 'recruiter';
set local role tenantd_app;
select tests.act_as(:'ta', :'alice', 'recruiter');
select throws_ok($$select * from api.create_invitation('frank@example.test', 'tenant_admin', 7, sha256('tok-8'))$$,
                 'TDF03', 'role tenant_admin holds permissions you do not have',
                 'invitations:write alone cannot invite a tenant_admin');
select lives_ok($$select * from api.create_invitation('frank@example.test', 'recruiter', 7, sha256('tok-8'))$$,
                'a recruiter invites into its own role');

-- bulk: each entry on its own
select tests.act_as(:'ta', :'alice', 'tenant_admin');
select results_eq($$select idx, email, status, error_state
                      from api.create_invitations_bulk(jsonb_build_array(
                        jsonb_build_object('index', 0, 'email', 'g1@example.test', 'role', 'member',
                                           'expires_in_days', 3, 'token_hash', encode(sha256('b0'), 'hex')),
                        jsonb_build_object('index', 1, 'email', 'alice@acme.test', 'role', 'member',
                                           'expires_in_days', 3, 'token_hash', encode(sha256('b1'), 'hex')),
                        jsonb_build_object('index', 2, 'email', 'g2@example.test', 'role', 'nope',
                                           'expires_in_days', 3, 'token_hash', encode(sha256('b2'), 'hex')),
                        jsonb_build_object('index', 3, 'email', 'g1@example.test', 'role', 'member',
                                           'expires_in_days', 3, 'token_hash', encode(sha256('b3'), 'hex')),
                        jsonb_build_object('index', 4, 'email', 'g3@example.test', 'role', 'read_only',
                                           'expires_in_days', 3, 'token_hash', encode(sha256('b4'), 'hex'))))
                     order by idx$$,
                  $$values (0, 'g1@example.test', 'pending', null),
                           (1, 'alice@acme.test', null, 'TDC02'),
                           (2, 'g2@example.test', null, 'TDV09'),
                           (3, 'g1@example.test', null, 'TDC01'),
                           (4, 'g3@example.test', 'pending', null)$$,
                  'bulk: one result per entry; failed entries do not stop the others');
select is((select count(*)::int from tenantd.invitations where lower(email) in ('g1@example.test', 'g2@example.test', 'g3@example.test')),
          2, 'bulk kept exactly the good entries');
select tests.act_as(:'ta', :'alice', 'member');
select throws_ok($$select * from api.create_invitations_bulk('[]'::jsonb)$$, 'TD403', null,
                 'bulk without invitations:write is refused as a whole');

-- listing and revoking
select tests.act_as(:'ta', :'alice', 'tenant_admin');
select is((select count(*)::int from api.list_invitations(null, null, null, 50)), 4,
          'list: every invitation of A');
select is((select count(*)::int from api.list_invitations('pending', null, null, 50)), 4, 'list: 4 pending');
reset role;
update tenantd.invitations set expires_at = now() - interval '1 second'
 where tenant_id = :'ta' and email = 'g3@example.test';
set local role tenantd_app;
select results_eq($$select email, status from api.list_invitations('expired', null, null, 50)$$,
                  $$values ('g3@example.test', 'expired')$$, 'list: expired is derived from expires_at');
select is((select count(*)::int from api.list_invitations(null, null, null, 2)), 2, 'list: limit');
select throws_ok($$select * from api.list_invitations('bogus', null, null, 50)$$, 'TD422', null,
                 'list: unknown status word');
select results_eq($$select status, revoked_at = now() from api.revoke_invitation(
                      (select id from tenantd.invitations where email = 'g1@example.test'))$$,
                  $$values ('revoked', true)$$, 'revoke a pending invitation');
select lives_ok($$select * from api.revoke_invitation((select id from tenantd.invitations where email = 'g1@example.test'))$$,
                'revoking again is idempotent');
select is((select count(*)::int from tenantd.audit_log where action = 'invitation.revoked'), 1,
          'one invitation.revoked audit row, not two');
select throws_ok($$select * from api.revoke_invitation(gen_random_uuid())$$, 'TDN02', null,
                 'revoking an unknown invitation: TD404');

-- B cannot revoke or list A's invitations
select tests.act_as(:'tb', :'bob', 'tenant_admin');
select throws_ok(format($$select * from api.revoke_invitation((select id from tenantd.invitations where false))$$),
                 'TDN02', null, 'B revoking nothing: TD404');
select is((select count(*)::int from api.list_invitations(null, null, null, 50)), 0, 'B lists none of A''s invitations');

-- accepting, with no context at all (a public route)
select tests.act_as(null, null, null);
select results_eq($$select tenant_id, tenant_slug, email, role
                      from api.accept_invitation(sha256('tok-carol'), 'scrypt-hash', 'Carol', 5)$$,
                  format($$values (%L::uuid, 'acme', 'Carol@Example.test', 'member')$$, :'ta'),
                  'accepting creates the user and answers the tenant');
select is(current_setting('app.tenant_id', true), '', 'the context is restored after accepting');
reset role;
select results_eq($$select m.password_hash, m.display_name, m.role, m.tenant_id, i.status, i.accepted_by = u.id
                      from tenantd.users u
                      join tenantd.memberships m on m.user_id = u.id
                      join tenantd.invitations i on lower(i.email) = lower(u.email)
                     where lower(u.email) = 'carol@example.test'$$,
                  format($$values ('scrypt-hash', 'Carol', 'member', %L::uuid, 'accepted', true)$$, :'ta'),
                  'user, membership and accepted invitation, in one transaction');
select results_eq(format($$select action, actor_role, tenant_id from tenantd.audit_log
                            where action = 'invitation.accepted' and tenant_id in (%L, %L)$$, :'ta', :'tb'),
                  format($$values ('invitation.accepted', 'member', %L::uuid)$$, :'ta'),
                  'an invitation.accepted audit row in the invitation''s tenant');
set local role tenantd_app;
select throws_ok($$select * from api.accept_invitation(sha256('tok-carol'), null, null, 5)$$,
                 'TDG01', 'this invitation has already been accepted', 'accepting twice: TD410');
select throws_ok($$select * from api.accept_invitation(sha256('b0'), null, null, 5)$$,
                 'TDG01', 'this invitation has been revoked', 'a revoked invitation: TD410');
select throws_ok($$select * from api.accept_invitation(sha256('b4'), null, null, 5)$$,
                 'TDG01', 'this invitation has expired', 'an expired invitation: TD410');
select throws_ok($$select * from api.accept_invitation(sha256('no such token'), null, null, 5)$$,
                 'TDN02', 'no invitation matches this token', 'an unknown token: TD404');
-- the cheap check the service makes before it computes any password hash
select throws_ok($$select api.check_invitation_token(sha256('no such token'))$$,
                 'TDN02', null, 'check_invitation_token: an unknown token is refused before any hashing');
select throws_ok($$select api.check_invitation_token(sha256('b0'))$$,
                 'TDG01', null, 'check_invitation_token: a revoked token too');
select throws_ok($$select api.check_invitation_token(sha256('tok-carol'))$$,
                 'TDG01', null, 'check_invitation_token: and a used one');

-- an existing identity (bob, a member of B) is linked, its password left alone
select tests.act_as(:'ta', :'alice', 'tenant_admin');
select lives_ok($$select * from api.create_invitation('bob@globex.test', 'read_only', 7, sha256('tok-bob'))$$,
                'invite bob (a member of B) into A');
select tests.act_as(null, null, null);
select lives_ok($$select api.check_invitation_token(sha256('tok-bob'))$$, 'check_invitation_token: a pending token passes');
select results_eq($$select user_id from api.accept_invitation(sha256('tok-bob'), 'bobs-own-hash', 'Robert', 5)$$,
                  format($$values (%L::uuid)$$, :'bob'), 'an existing identity is linked, not created');
reset role;
select results_eq(format('select tenant_id, password_hash, display_name, accepted_at is not null from tenantd.memberships where user_id = %L order by tenant_id', :'bob'),
                  format($$values (%L::uuid, 'bobs-own-hash', 'Robert', true), (%L::uuid, 'hash-of-bob', 'bob', true)$$, :'ta', :'tb'),
                  'the password and name given on accepting are the new membership''s own; B''s are untouched');

-- the per-user tenant limit applies as when adding members
set local role tenantd_app;
select tests.act_as(:'tb', :'bob', 'tenant_admin');
select lives_ok($$select * from api.create_invitation('alice@acme.test', 'member', 7, sha256('tok-alice'))$$,
                'invite alice into B');
select tests.act_as(null, null, null);
select throws_ok($$select * from api.accept_invitation(sha256('tok-alice'), null, null, 1)$$,
                 'TDC14', 'a user may belong to at most 1 tenants',
                 'MAX_TENANTS_PER_USER is enforced on accept');

select * from finish();
rollback;
