-- memberships.email and memberships.user_disabled: the copy of the identity a membership carries,
-- so member lists read only the tenant's own table (migrations/0041_membership_email.sql).
-- The copy is always the users row's (tg_memberships__copy_user), follows it in every tenant
-- (tg_users__sync_memberships), and cannot be written by the app role. The transitional users
-- policy that showed a tenant's members through a subquery is dropped for this test (rolled
-- back), to show that what reads members in sql/ no longer needs it.
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set tb bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
\set alice aaaaaaaa-0000-4000-8000-000000000001
\set bob bbbbbbbb-0000-4000-8000-000000000001
\set carol aaaaaaaa-0000-4000-8000-000000000011
begin;
select plan(12);
select tests.share_tap_with('tenantd_app');
select tests.seed_two_tenants();
select tests.create_user('carol@acme.test', :'carol');
select tests.add_member(:'ta', :'carol', 'member');
select tests.add_member(:'tb', :'alice', 'member');
drop policy if exists select_members_of_own_tenant on tenantd.users;

select results_eq(format('select tenant_id, email, user_disabled from tenantd.memberships where user_id = %L order by 1', :'alice'),
                  format($$values (%L::uuid, 'alice@acme.test', false), (%L::uuid, 'alice@acme.test', false)$$, :'ta', :'tb'),
                  'a new membership carries its user''s email, in every tenant');

-- whatever a writer passes, the copy is the users row's (even the owner's definer code)
insert into tenantd.memberships (tenant_id, user_id, role, email, user_disabled)
values (:'tb', :'carol', 'member', 'ceo@globex.test', true);
select results_eq(format('select email, user_disabled from tenantd.memberships where tenant_id = %L and user_id = %L', :'tb', :'carol'),
                  $$values ('carol@acme.test', false)$$,
                  'an insert naming another address gets the user''s own');
update tenantd.memberships set email = 'ceo@globex.test' where tenant_id = :'tb' and user_id = :'carol';
select is((select email from tenantd.memberships where tenant_id = :'tb' and user_id = :'carol'), 'carol@acme.test',
          'an update of the copy is put back to the user''s address');

set local role tenantd_app;
select tests.act_as(:'ta', :'alice', 'tenant_admin');
select throws_ok($$update tenantd.memberships set email = 'ceo@acme.test'$$, '42501', null,
                 'the app role cannot write the copy (no column grant), even with members:write');
select throws_ok(format($$insert into tenantd.memberships (tenant_id, user_id, role, email) values (%L, %L, 'member', 'x@y.test')$$,
                        :'ta', :'bob'),
                 '42501', null, 'nor name it on insert');

-- a member of A lists the members with their addresses from memberships alone; the users rows of
-- the others are not visible to it
select tests.act_as(:'ta', :'carol', 'member');
select results_eq('select email from tenantd.memberships order by email',
                  $$values ('alice@acme.test'), ('carol@acme.test')$$,
                  'a member lists the members of A with their addresses');
select results_eq('select email from tenantd.users', $$values ('carol@acme.test')$$,
                  'without the transitional policy, users shows a member only themself');

-- a user changes their own address: every membership follows, in tenants the writer does not act in
select tests.act_as(:'ta', :'alice', 'tenant_admin');
select is(tests.affected_rows(format($$update tenantd.users set email = 'alice@new.test' where id = %L$$, :'alice')), 1,
          'alice changes her address');
reset role;
select results_eq(format('select tenant_id, email from tenantd.memberships where user_id = %L order by 1', :'alice'),
                  format($$values (%L::uuid, 'alice@new.test'), (%L::uuid, 'alice@new.test')$$, :'ta', :'tb'),
                  'her memberships in A and in B carry the new address');
select is(current_setting('app.tenant_id'), :'ta', 'the sync restores the caller''s tenant');

-- the platform switch: a super admin disables an identity everywhere
update tenantd.users set disabled = true where id = :'carol';
select results_eq(format('select bool_and(user_disabled), count(*)::int from tenantd.memberships where user_id = %L', :'carol'),
                  $$values (true, 2)$$, 'disabling a user is copied into each of their memberships');

-- inviting an address that is a member's: the check reads the membership's copy, so it works
-- for an inviter who cannot see the member's users row
set local role tenantd_app;
select tests.act_as(:'tb', :'bob', 'tenant_admin');
select throws_ok($$select * from api.create_invitation('ALICE@new.test', 'member', 7, sha256('tok-alice'))$$,
                 'TDC02', 'this address belongs to a member of the tenant',
                 'inviting a member''s (new) address is refused from memberships.email');
reset role;

select * from finish();
rollback;
