-- roles and role_permissions as tenantd_app: every command limited to the current tenant; reads
-- for every member, writes only with roles:write, built-ins never written; a new tenant gets its
-- built-ins from the tenants trigger.
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set tb bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
\set alice aaaaaaaa-0000-4000-8000-000000000001
\set bob bbbbbbbb-0000-4000-8000-000000000001
\set rb bbbbbbbb-0000-4000-8000-000000000030
begin;
select plan(25);
select tests.share_tap_with('tenantd_app');
select tests.seed_two_tenants();
-- a tenant-defined role in B, seeded as the superuser
insert into tenantd.roles (tenant_id, id, name, description) values (:'tb', :'rb', 'billing', 'B billing');
insert into tenantd.role_permissions (tenant_id, role_id, permission) values (:'tb', :'rb', 'usage:read');
create temp table b_roles_before as select * from tenantd.roles where tenant_id = :'tb';
create temp table b_perms_before as select * from tenantd.role_permissions where tenant_id = :'tb';

select results_eq(format('select name from tenantd.roles where tenant_id = %L and built_in order by name', :'ta'),
                  $$values ('member'), ('read_only'), ('tenant_admin')$$,
                  'a new tenant has the three built-in roles (tenantd.seed_tenant_defaults)');

select tests.act_as(:'ta', :'alice', 'tenant_admin');
set local role tenantd_app;

select results_eq('select name from tenantd.roles order by name',
                  $$values ('member'), ('read_only'), ('tenant_admin')$$, 'A sees exactly its own roles');
select is_empty(format('select * from tenantd.roles where tenant_id = %L or id = %L', :'tb', :'rb'),
                'A cannot select B''s roles');
select is_empty('select * from tenantd.role_permissions', 'A sees no role_permissions (it has only built-ins)');
select throws_ok(format('insert into tenantd.roles (tenant_id, name) values (%L, %L)', :'tb', 'evil'),
                 '42501', null, 'A cannot insert a role with B''s tenant_id');
select throws_ok(format('insert into tenantd.role_permissions (tenant_id, role_id, permission) values (%L, %L, %L)',
                        :'tb', :'rb', 'roles:write'),
                 '42501', null, 'A cannot add a permission to B''s role');
select is(tests.affected_rows(format('update tenantd.roles set description = %L where id = %L', 'x', :'rb')), 0,
          'A cannot update B''s role');
select is(tests.affected_rows(format('delete from tenantd.role_permissions where role_id = %L', :'rb')), 0,
          'A cannot delete B''s role permissions');
select is(tests.affected_rows(format('delete from tenantd.roles where tenant_id = %L', :'tb')), 0,
          'A cannot delete B''s roles');

-- an admin of A writes its own tenant-defined roles
select lives_ok($$insert into tenantd.roles (name, description) values ('support', 'helpdesk')$$,
                'A (tenant_admin) inserts a role without naming the tenant');
select lives_ok($$insert into tenantd.role_permissions (role_id, permission)
                  select id, 'members:read' from tenantd.roles where name = 'support'$$,
                'A adds a permission to its role');
select results_eq($$select r.tenant_id, r.created_by from tenantd.roles r where r.name = 'support'$$,
                  format('values (%L::uuid, %L::uuid)', :'ta', :'alice'),
                  'tenant_id from the context, created_by from the stamp trigger');
select throws_ok($$insert into tenantd.role_permissions (role_id, permission)
                   select id, 'launch:missiles' from tenantd.roles where name = 'support'$$,
                 '23514', null, 'a permission outside the catalogue is refused by the check constraint');
select throws_ok($$insert into tenantd.roles (name, built_in) values ('owner', true)$$,
                 '42501', null, 'the app cannot insert a built-in role');
select throws_ok($$insert into tenantd.roles (name) values ('member')$$,
                 '23514', null, 'a tenant-defined role cannot take a built-in name');
select throws_ok($$insert into tenantd.role_permissions (role_id, permission)
                   select id, 'members:read' from tenantd.roles where name = 'member'$$,
                 '42501', null, 'built-in roles get no permission rows');
select is(tests.affected_rows($$update tenantd.roles set description = 'x' where built_in$$), 0,
          'built-in roles cannot be changed');
select is(tests.affected_rows($$delete from tenantd.roles where built_in$$), 0,
          'built-in roles cannot be deleted');
select tests.refused(format('update tenantd.roles set tenant_id = %L where name = %L', :'tb', 'support'),
                     'A cannot move its role into B');

-- a member of A reads but cannot write
select tests.act_as(:'ta', :'alice', 'member');
select is((select count(*)::int from tenantd.roles), 4, 'a member reads the tenant''s roles');
select throws_ok($$insert into tenantd.roles (name) values ('sneaky')$$,
                 '42501', null, 'a member cannot insert a role (no roles:write)');
select is(tests.affected_rows($$delete from tenantd.role_permissions$$), 0,
          'a member cannot delete role permissions');

reset role;
select set_eq(format('select * from tenantd.roles where tenant_id = %L', :'tb'), 'table b_roles_before',
                  'B''s roles are unchanged (checked as superuser)');
select set_eq(format('select * from tenantd.role_permissions where tenant_id = %L', :'tb'),
                  'table b_perms_before', 'B''s role permissions are unchanged');
select throws_ok(format('insert into tenantd.roles (tenant_id, name, built_in) values (%L, %L, true)', :'tb', 'owner'),
                 '23514', null, 'only the three built-in names may be built_in (constraint, even for the superuser)');

select * from finish();
rollback;
