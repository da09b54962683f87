-- tenantd.create_role / update_role / delete_role as tenantd_app with the context set.
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set tb bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
\set alice aaaaaaaa-0000-4000-8000-000000000001
\set bob bbbbbbbb-0000-4000-8000-000000000001
\set carol cccccccc-0000-4000-8000-000000000001
begin;
select plan(25);
select tests.share_tap_with('tenantd_app');
select tests.seed_two_tenants();
-- custom roles are a plan feature (tenantd.require_feature): the pro plan has it
update tenantd.tenants set plan = 'pro' where slug in ('acme', 'globex');
select tests.create_user('carol@acme.test', :'carol');
create temp table ids (name text primary key, id uuid);
grant all on ids to tenantd_app;

set local role tenantd_app;
select tests.act_as(:'ta', :'alice', 'tenant_admin');

select lives_ok($$insert into ids select 'support', tenantd.create_role('support', 'helpdesk',
                                                                 array['members:read', 'usage:read', 'members:read'])$$,
                'tenant_admin creates a role');
select is(tenantd.permissions_of_role('support'), array['members:read', 'usage:read'],
          'its permissions, sorted and without duplicates');
select results_eq($$select details from tenantd.audit_log where action = 'role.created'$$,
                  $$values ('{"name": "support", "permissions": ["members:read", "usage:read"]}'::jsonb)$$,
                  'one role.created audit row');
select throws_ok($$select tenantd.create_role('support', null, '{}')$$, 'TDC10',
                 'the tenant already has a role named support', 'a duplicate name: TD409 role_exists');
select throws_ok($$select tenantd.create_role('member', null, '{}')$$, 'TDC10', null,
                 'a built-in name: TD409 role_exists');
select throws_ok($$select tenantd.create_role('super_admin', null, '{}')$$, 'TDV04', null, 'super_admin: TD422');
select throws_ok($$select tenantd.create_role('Bad Name', null, '{}')$$, 'TDV04', null, 'a malformed name: TD422');
select throws_ok($$select tenantd.create_role('ops', null, array['members:read', 'launch:missiles'])$$, 'TDV07', null,
                 'an unknown permission: TD422 unknown_permission');
select throws_ok($$select tenantd.create_role('ops', null, null)$$, 'TDV07', null, 'no permission list: TD422');
select lives_ok($$insert into ids select 'empty', tenantd.create_role('empty', null, '{}')$$,
                'a role with no permissions is allowed');

-- a role with roles:write but not members:write cannot grant members:write
reset role;
insert into tenantd.roles (tenant_id, name) values (:'ta', 'role_admin');
insert into tenantd.role_permissions (tenant_id, role_id, permission)
select :'ta', id, 'roles:write' from tenantd.roles where tenant_id = :'ta' and name = 'role_admin';
set local role tenantd_app;
select tests.act_as(:'ta', :'carol', 'role_admin');
select throws_ok($$select tenantd.create_role('escalate', null, array['members:write'])$$, 'TDF03', null,
                 'roles:write cannot grant a permission the caller lacks (role_escalation)');
select throws_ok(format('select tenantd.update_role(%L, false, null, %L)', (select id from ids where name = 'support'),
                        array['members:read']),
                 'TDF03', null, 'nor change a role holding permissions the caller lacks');
select tests.act_as(:'ta', :'carol', 'member');
select throws_ok($$select tenantd.create_role('ops', null, '{}')$$, 'TD403',
                 'managing roles needs the roles:write permission', 'member: TD403');

-- update
select tests.act_as(:'ta', :'alice', 'tenant_admin');
select lives_ok(format('select tenantd.update_role(%L, true, %L, %L)', (select id from ids where name = 'support'),
                       'first line', array['audit:read', 'usage:read']),
                'tenant_admin replaces description and permissions');
select is(tenantd.permissions_of_role('support'), array['audit:read', 'usage:read'], 'permissions replaced');
select is((select description from tenantd.roles where name = 'support'), 'first line', 'description replaced');
select lives_ok(format('select tenantd.update_role(%L, false, null, null)', (select id from ids where name = 'support')),
                'an update changing nothing');
select is((select description from tenantd.roles where name = 'support'), 'first line', 'description kept');
select throws_ok(format('select tenantd.update_role(%L, true, %L, null)',
                        (select id from tenantd.roles where name = 'member'), 'x'),
                 'TDC03', null, 'a built-in role cannot be changed: TD409 built_in_role');
select throws_ok(format('select tenantd.update_role(%L, false, null, %L)', (select id from ids where name = 'support'),
                        array['nope']),
                 'TDV07', null, 'unknown permission on update: TD422');

-- delete
select lives_ok(format('select tenantd.update_member(%L, %L, null, false, null)', :'alice', 'tenant_admin'),
                'a no-op role change');
reset role;
select tests.add_member(:'ta', :'carol', 'support');
set local role tenantd_app;
select tests.act_as(:'ta', :'alice', 'tenant_admin');
select throws_ok(format('select tenantd.delete_role(%L)', (select id from ids where name = 'support')), 'TDC11',
                 '1 member(s) have role support; give them another role first', 'a role in use: TD409');
select throws_ok(format('select tenantd.delete_role(%L)', (select id from tenantd.roles where name = 'read_only')),
                 'TDC03', null, 'a built-in role cannot be deleted');
select tests.act_as(:'tb', :'bob', 'tenant_admin');
select throws_ok(format('select tenantd.delete_role(%L)', (select id from ids where name = 'empty')), 'TDN04', null,
                 'B''s admin cannot delete A''s role');
select tests.act_as(:'ta', :'alice', 'tenant_admin');
select lives_ok(format('select tenantd.delete_role(%L)', (select id from ids where name = 'empty')),
                'an unused role is deleted');

reset role;
select * from finish();
rollback;
