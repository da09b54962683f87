-- tenantd.create_member(): find-or-create the global user, add the membership, audit it.
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set tb bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
\set alice aaaaaaaa-0000-4000-8000-000000000001
\set bob bbbbbbbb-0000-4000-8000-000000000001
begin;
select plan(22);
select tests.share_tap_with('tenantd_app');
select tests.seed_two_tenants();
create temp table bob_before as select * from tenantd.users where id = :'bob';
set local role tenantd_app;

-- a tenant admin of A adds a new person
select tests.act_as(:'ta', :'alice', 'tenant_admin');
select results_eq($$select email, display_name, role, created_at = now()
                      from tenantd.create_member('Carol@Example.test', 'member', 'Carol', 'hash-c')$$,
                  $$values ('Carol@Example.test', 'Carol', 'member', true)$$,
                  'a tenant admin creates a new member: new user, new membership');
select results_eq($$select m.email, m.role, m.tenant_id, m.created_by
                      from tenantd.memberships m
                     where lower(m.email) = 'carol@example.test'$$,
                  format('values (%L, %L, %L::uuid, %L::uuid)', 'Carol@Example.test', 'member', :'ta', :'alice'),
                  'A sees the new member with the address, through the membership, created by alice');
select results_eq($$select a.action, a.target_type, a.target_id = m.user_id::text, a.details, a.actor_id, a.actor_role, a.request_id
                      from tenantd.audit_log a, tenantd.memberships m
                     where a.action = 'member.created' and lower(m.email) = 'carol@example.test'$$,
                  format($$values ('member.created', 'user', true,
                                   '{"email": "Carol@Example.test", "role": "member"}'::jsonb,
                                   %L::uuid, 'tenant_admin', 'test-request')$$, :'alice'),
                  'one member.created audit row, in A, in the same transaction');

-- already a member, in any letter case
select throws_ok($$select * from tenantd.create_member('carol@example.TEST', 'read_only', null, null)$$,
                 'TD409', 'this user is already a member of the tenant', 'adding an existing member: TD409');

-- someone who exists only in tenant B
select results_eq(format($$select user_id, email, display_name, role
                             from tenantd.create_member('BOB@globex.test', 'read_only', 'Robert', 'hash-takeover')$$),
                  format($$values (%L::uuid, 'bob@globex.test', 'Robert', 'read_only')$$, :'bob'),
                  'a user of another tenant is linked, not created; the answer shows A''s own profile and names no other tenant');
select results_eq('select tenant_id from tenantd.memberships where user_id = ' || quote_literal(:'bob'),
                  array[:'ta'::uuid],
                  'A sees only its own membership of that user, not B''s');
select results_eq('select id from tenantd.tenants', array[:'ta'::uuid],
                  'and still sees no other tenant');
select is((select count(*)::int from tenantd.audit_log where action = 'member.created'), 2,
          'linking is audited too');

-- refusals
select tests.act_as(:'ta', :'alice', 'member');
select throws_ok($$select * from tenantd.create_member('dave@example.test', 'member', null, null)$$,
                 'TD403', null, 'a plain member may not add members: TD403');
select tests.act_as(:'ta', :'alice', 'read_only');
select throws_ok($$select * from tenantd.create_member('dave@example.test', 'member', null, null)$$,
                 'TD403', null, 'a read_only member may not add members: TD403');
select tests.act_as(:'ta', :'alice', 'tenant_admin');
select throws_ok($$select * from tenantd.create_member('dave@example.test', 'owner', null, null)$$,
                 'TDV09', null, 'an unknown role: TD422');
select throws_ok($$select * from tenantd.create_member('dave@example.test', null, null, null)$$,
                 'TDV09', null, 'a missing role: TD422');
select throws_ok($$select * from tenantd.create_member('not-an-email', 'member', null, null)$$,
                 'TD422', null, 'an email without @: TD422');
select throws_ok($$select * from tenantd.create_member('da ve@example.test', 'member', null, null)$$,
                 'TD422', null, 'an email with a space: TD422');
select throws_ok(format('select * from tenantd.create_member(%L, %L, null, null)',
                        repeat('d', 250) || '@example.test', 'member'),
                 'TD422', null, 'an email longer than 254 characters: TD422');
select tests.act_as(null, :'alice', 'tenant_admin');
select throws_ok($$select * from tenantd.create_member('dave@example.test', 'member', null, null)$$,
                 'TD400', 'no tenant context', 'no tenant context: TD400');
select tests.act_as('00000000-0000-4000-8000-00000000dead', :'alice', 'super_admin');
select throws_ok($$select * from tenantd.create_member('dave@example.test', 'member', null, null)$$,
                 'TD404', null, 'a context naming no tenant: TD404');

-- a super admin acting in a tenant they named
select tests.act_as(:'tb', null, 'super_admin');
select results_eq($$select email, role from tenantd.create_member('erin@example.test', 'tenant_admin', null, null)$$,
                  $$values ('erin@example.test', 'tenant_admin')$$,
                  'a super admin adds a member to the tenant they act in');

reset role;
select results_eq(format('select * from tenantd.users where id = %L', :'bob'), 'table bob_before',
                  'linking left bob''s global identity untouched');
select results_eq(format('select tenant_id, display_name, password_hash from tenantd.memberships where user_id = %L order by tenant_id', :'bob'),
                  format($$values (%L::uuid, 'Robert', 'hash-takeover'), (%L::uuid, 'bob', 'hash-of-bob')$$, :'ta', :'tb'),
                  'the name and password A gave are A''s membership''s only; B''s membership keeps its own');
select is((select accepted_at from tenantd.memberships where user_id = :'bob' and tenant_id = :'ta'), null,
          'a direct add is not taken up until the person logs in');
select is((select count(*)::int from tenantd.users where lower(email) like 'dave@%'), 0,
          'refused calls created no user');

select * from finish();
rollback;
