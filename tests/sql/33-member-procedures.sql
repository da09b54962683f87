-- tenantd.create_member (members:write, MAX_TENANTS_PER_USER, roles of the tenant, no escalation),
-- tenantd.update_member and tenantd.delete_member, as tenantd_app with the context set.
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set tb bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
\set alice aaaaaaaa-0000-4000-8000-000000000001
\set bob bbbbbbbb-0000-4000-8000-000000000001
\set carol cccccccc-0000-4000-8000-000000000001
\set rs aaaaaaaa-0000-4000-8000-000000000034
begin;
select plan(33);
select tests.share_tap_with('tenantd_app');
select tests.seed_two_tenants();
select tests.create_user('carol@acme.test', :'carol');
select tests.add_member(:'ta', :'carol', 'member');
insert into tenantd.roles (tenant_id, id, name) values (:'ta', :'rs', 'staffer');
insert into tenantd.role_permissions (tenant_id, role_id, permission)
values (:'ta', :'rs', 'members:read'), (:'ta', :'rs', 'members:write');
-- three more tenants with bob as a member: with B, bob is in 4 tenants
select tests.create_tenant('t33-' || i) from generate_series(1, 3) as i;
select tests.add_member(t.id, :'bob', 'member') from tenantd.tenants t where t.slug like 't33-%';
-- and five more that third parties made him a member of (sign-ups naming his address, direct
-- adds) which he never took up: they must not count toward his limit
select tests.create_tenant('t33-squat-' || i) from generate_series(1, 5) as i;
insert into tenantd.memberships (tenant_id, user_id, role, source)
select t.id, :'bob', 'tenant_admin', 'signup' from tenantd.tenants t where t.slug like 't33-squat-%';

set local role tenantd_app;

-- create_member
select tests.act_as(:'ta', :'alice', 'tenant_admin');
select throws_ok($$select * from tenantd.create_member('bob@globex.test', 'member', null, null, 4)$$,
                 'TDC14', 'a user may belong to at most 4 tenants',
                 'a user who took up 4 tenants cannot join a fifth when the limit is 4 (the 5 memberships others made for him do not count either way)');
select results_eq($$select role from tenantd.create_member('bob@globex.test', 'member', null, null, 5)$$,
                  $$values ('member')$$, 'with the limit at 5 they can');
select throws_ok($$select * from tenantd.create_member('bob@globex.test', 'member', null, null, 5)$$,
                 'TD409', 'this user is already a member of the tenant', 'an existing member: already a member, not the limit');
select results_eq($$select role from tenantd.create_member('erin@example.test', 'staffer', null, null, 5)$$,
                  $$values ('staffer')$$, 'a tenant-defined role can be given');
select throws_ok($$select * from tenantd.create_member('frank@example.test', 'only_in_b', null, null, 5)$$,
                 'TDV09', null, 'a role of no tenant, or another tenant''s: TD422');
select tests.act_as(:'ta', :'carol', 'staffer');
select results_eq($$select role from tenantd.create_member('gina@example.test', 'staffer', null, null, 5)$$,
                  $$values ('staffer')$$, 'a tenant-defined role with members:write adds members');
select throws_ok($$select * from tenantd.create_member('hank@example.test', 'tenant_admin', null, null, 5)$$,
                 'TDF03', null, 'but cannot make a tenant_admin (role_escalation)');
select throws_ok($$select * from tenantd.create_member('hank@example.test', 'member', null, null, 5)$$,
                 'TDF03', null, 'nor a member: member holds config:read, which staffer lacks');
select tests.act_as(:'ta', :'carol', 'member');
select throws_ok($$select * from tenantd.create_member('hank@example.test', 'member', null, null, 5)$$,
                 'TD403', 'adding members needs the members:write permission', 'member: TD403');
select tests.act_as(:'ta', :'alice', 'tenant_admin');
select is((select count(*)::int from tenantd.audit_log where action = 'member.created'), 3,
          'each successful create wrote one audit row');

-- update_member
select throws_ok(format('select tenantd.update_member(%L, %L, null, false, null)', :'bob', 'nonexistent'),
                 'TDV09', null, 'unknown role: TD422');
select throws_ok(format('select tenantd.update_member(%L, %L, null, false, null)', :'carol', 'nonexistent'),
                 'TDV09', null, 'unknown role on a member: TD422');
select throws_ok(format('select tenantd.update_member(%L, %L, null, false, null)',
                        'eeeeeeee-0000-4000-8000-00000000beef', 'member'),
                 'TDN08', 'no such user in this tenant', 'not a member: TD404');
select lives_ok(format('select tenantd.update_member(%L, %L, true, false, null)', :'carol', 'read_only'),
                'tenant_admin changes role and disabled');
select results_eq(format('select role, disabled from tenantd.memberships where user_id = %L', :'carol'),
                  $$values ('read_only', true)$$, 'the membership changed');
select results_eq(format($$select details from tenantd.audit_log where action = 'member.updated' and target_id = %L$$, :'carol'),
                  $$values ('{"changes": {"role": {"to": "read_only", "from": "member"}, "disabled": {"to": true, "from": false}}}'::jsonb)$$,
                  'one member.updated audit row naming the changes');
select throws_ok(format('select tenantd.update_member(%L, null, null, true, %L)', :'carol', 'Caz'),
                 'TDF01', null, 'an admin cannot rename another user');
select throws_ok(format('select tenantd.update_member(%L, %L, null, false, null)', :'alice', 'member'),
                 'TDC09', 'a tenant must keep at least one active tenant_admin',
                 'the last admin cannot demote themselves');
select lives_ok(format('select tenantd.update_member(%L, null, null, true, %L)', :'alice', 'Alice A.'),
                'a user renames themselves');
select is((select display_name from tenantd.memberships where user_id = :'alice' and tenant_id = :'ta'), 'Alice A.',
          'display_name changed, in this tenant''s membership');
select tests.act_as(:'ta', :'carol', 'read_only');
select lives_ok(format('select tenantd.update_member(%L, null, null, true, %L)', :'carol', 'Caz'),
                'a read_only user renames themselves (no members:write needed)');
select throws_ok(format('select tenantd.update_member(%L, %L, null, false, null)', :'carol', 'tenant_admin'),
                 'TD403', null, 'but cannot change their own role');
select tests.act_as(:'ta', null, 'super_admin');
select lives_ok(format('select tenantd.update_member(%L, null, null, true, null)', :'carol'),
                'a super admin acting in the tenant may clear a display_name');
select tests.act_as(:'tb', :'bob', 'tenant_admin');
select throws_ok(format('select tenantd.update_member(%L, %L, null, false, null)', :'carol', 'member'),
                 'TDN08', null, 'B''s admin cannot reach a member of A');

-- delete_member
select tests.act_as(:'ta', :'carol', 'staffer');
select throws_ok(format('select tenantd.delete_member(%L)', :'alice'),
                 'TDF03', null, 'staffer cannot remove a tenant_admin (role_escalation)');
select tests.act_as(:'ta', :'alice', 'tenant_admin');
select throws_ok(format('select tenantd.delete_member(%L)', :'alice'),
                 'TDC09', null, 'the last admin cannot remove themselves');
select lives_ok(format('select tenantd.delete_member(%L)', :'bob'), 'tenant_admin removes bob from A');
select is((select count(*)::int from tenantd.memberships where user_id = :'bob'), 0, 'gone from A');
reset role;
select is((select count(*)::int from tenantd.memberships where user_id = :'bob'), 9,
          'still in B and the other tenants, and the user remains (checked as superuser)');
select ok(exists (select 1 from tenantd.users where id = :'bob'), 'the global user is kept');
select is((select count(*)::int from tenantd.audit_log where action = 'member.removed' and target_id = :'bob'), 1,
          'one member.removed audit row');
set local role tenantd_app;
select tests.act_as(:'tb', :'bob', 'tenant_admin');
select throws_ok(format('select tenantd.delete_member(%L)', :'carol'), 'TDN08', null,
                 'B''s admin cannot remove a member of A');
select tests.act_as(null, :'alice', 'tenant_admin');
select throws_ok(format('select tenantd.delete_member(%L)', :'carol'), 'TD400', null, 'no tenant context: TD400');

reset role;
select * from finish();
rollback;
