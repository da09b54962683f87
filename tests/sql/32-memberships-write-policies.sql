-- memberships: the permission rules hold in psql as tenantd_app with the context set.
-- Writes need members:write (has_permission inside the policies); reads need members:read or
-- one's own membership; a membership's role is a role of its tenant; the last active
-- tenant_admin stays (trigger tg_memberships__keep_admin).
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set tb bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
\set alice aaaaaaaa-0000-4000-8000-000000000001
\set bob bbbbbbbb-0000-4000-8000-000000000001
\set carol cccccccc-0000-4000-8000-000000000001
\set dave dddddddd-0000-4000-8000-000000000001
\set ma aaaaaaaa-0000-4000-8000-000000000002
\set rs aaaaaaaa-0000-4000-8000-000000000032
\set rv aaaaaaaa-0000-4000-8000-000000000033
begin;
select plan(24);
select tests.share_tap_with('tenantd_app');
select tests.seed_two_tenants();
select tests.create_user('carol@acme.test', :'carol');
select tests.create_user('dave@acme.test', :'dave');
select tests.add_member(:'ta', :'carol', 'member');
-- 'staffer' may write members (not read them); 'viewer' has no permission at all
insert into tenantd.roles (tenant_id, id, name) values (:'ta', :'rs', 'staffer'), (:'ta', :'rv', 'viewer');
insert into tenantd.role_permissions (tenant_id, role_id, permission) values (:'ta', :'rs', 'members:write');

set local role tenantd_app;

-- writes without members:write
select tests.act_as(:'ta', :'carol', 'member');
select throws_ok(format('insert into tenantd.memberships (user_id, role) values (%L, %L)', :'dave', 'member'),
                 '42501', null, 'member cannot insert a membership');
select is(tests.affected_rows($$update tenantd.memberships set role = 'tenant_admin'$$), 0,
          'member cannot update memberships (not even its own, to promote itself)');
select is(tests.affected_rows($$delete from tenantd.memberships$$), 0, 'member cannot delete memberships');
select tests.act_as(:'ta', :'carol', 'read_only');
select throws_ok(format('insert into tenantd.memberships (user_id, role) values (%L, %L)', :'dave', 'member'),
                 '42501', null, 'read_only cannot insert a membership');
select is(tests.affected_rows($$update tenantd.memberships set disabled = true$$), 0,
          'read_only cannot update memberships');
select tests.act_as(:'ta', :'carol', 'nonexistent');
select throws_ok(format('insert into tenantd.memberships (user_id, role) values (%L, %L)', :'dave', 'member'),
                 '42501', null, 'an unknown role cannot insert a membership');

-- reads
select tests.act_as(:'ta', :'carol', 'member');
select is((select count(*)::int from tenantd.memberships), 2, 'member (members:read) reads every membership of A');
select tests.act_as(:'ta', :'carol', 'viewer');
select results_eq('select user_id from tenantd.memberships', array[:'carol'::uuid],
                  'a role without members:read sees only its own membership');

-- a tenant-defined role holding members:write writes
select tests.act_as(:'ta', :'carol', 'staffer');
select lives_ok(format('insert into tenantd.memberships (user_id, role) values (%L, %L)', :'dave', 'read_only'),
                'a tenant-defined role with members:write inserts a membership');
select is(tests.affected_rows(format('update tenantd.memberships set role = %L where user_id = %L',
                                     'member', :'dave')),
          0, 'but it updates none it cannot read: UPDATE … WHERE needs members:read as well');

-- a membership's role must be a role of its tenant
select tests.act_as(:'ta', :'alice', 'tenant_admin');
select throws_ok(format('update tenantd.memberships set role = %L where user_id = %L', 'owner', :'dave'),
                 '23503', null, 'a role the tenant does not have is refused (foreign key)');
select lives_ok(format('update tenantd.memberships set role = %L where user_id = %L', 'viewer', :'dave'),
                'a tenant-defined role of the tenant is accepted');
reset role;
insert into tenantd.roles (tenant_id, name) values (:'tb', 'only_in_b');
set local role tenantd_app;
select throws_ok(format('update tenantd.memberships set role = %L where user_id = %L', 'only_in_b', :'dave'),
                 '23503', null, 'another tenant''s role is refused');
select throws_ok(format('delete from tenantd.roles where id = %L', :'rv'),
                 '23503', null, 'a role in use cannot be deleted (foreign key, also in psql)');

-- the last active tenant_admin
select throws_ok(format('update tenantd.memberships set role = %L where id = %L', 'member', :'ma'),
                 'TDC09', 'a tenant must keep at least one active tenant_admin',
                 'the only tenant_admin cannot be demoted');
select throws_ok(format('update tenantd.memberships set disabled = true where id = %L', :'ma'),
                 'TDC09', null, 'nor disabled');
select throws_ok(format('delete from tenantd.memberships where id = %L', :'ma'),
                 'TDC09', null, 'nor removed');
select lives_ok(format('update tenantd.memberships set role = %L where user_id = %L', 'tenant_admin', :'carol'),
                'promoting a second admin');
select throws_ok($$update tenantd.memberships set role = 'member' where role = 'tenant_admin'$$,
                 'TDC09', null, 'demoting every admin in one statement fails at the last one');
select lives_ok(format('update tenantd.memberships set role = %L where id = %L', 'member', :'ma'),
                'with two admins, one may be demoted');
select throws_ok(format('delete from tenantd.memberships where user_id = %L', :'carol'),
                 'TDC09', null, 'and then the other is the last one');
select is((select count(*)::int from tenantd.memberships where role = 'tenant_admin' and not disabled), 1,
          'A has exactly one active admin');

-- tenantd_readonly reads the tenant it names, whatever the role
reset role;
select tests.act_as(:'ta', null, null);
set local role tenantd_readonly;
select is((select count(*)::int from tenantd.memberships), 3, 'tenantd_readonly reads A''s memberships');
select is((select count(*)::int from tenantd.memberships where tenant_id = :'tb'), 0, 'but none of B''s');

reset role;
select * from finish();
rollback;
