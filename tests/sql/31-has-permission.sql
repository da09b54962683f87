-- tenantd.has_permission: the one permission rule, checked in psql with the context set, as
-- tenantd_app: super_admin, each built-in role, a tenant-defined role, and every way to have no
-- permission at all (no context, no role, an unknown role, another tenant's role).
-- has_permission reads only app.permissions, which the context function computes once with
-- tenantd.context_permissions(role) (tests.act_as does the same); the last block checks that
-- list and that nothing else (a bare app.role) grants anything.
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set tb bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
\set alice aaaaaaaa-0000-4000-8000-000000000001
\set ra aaaaaaaa-0000-4000-8000-000000000031
\set rb bbbbbbbb-0000-4000-8000-000000000031
begin;
select plan(26);
select tests.share_tap_with('tenantd_app');
select tests.seed_two_tenants();
-- 'support' in A holds members:read and members:write; B has a 'support' role holding audit:read
insert into tenantd.roles (tenant_id, id, name) values (:'ta', :'ra', 'support'), (:'tb', :'rb', 'support');
insert into tenantd.role_permissions (tenant_id, role_id, permission)
values (:'ta', :'ra', 'members:read'), (:'ta', :'ra', 'members:write'), (:'tb', :'rb', 'audit:read');

-- every permission of the catalogue, as one row per role: which of them the role holds
create temp view held as
  select p, tenantd.has_permission(p) as ok from unnest(tenantd.permission_catalogue()) as p;
grant select on held to tenantd_app;

select is(tenantd.permission_catalogue(),
          array['members:read', 'members:write', 'config:read', 'config:write', 'invitations:write',
                'audit:read', 'usage:read', 'roles:write', 'tenant:write', 'config:secrets',
                'api_keys:manage', 'usage:write', 'export:create'],
          'the fixed catalogue');
set local role tenantd_app;

select tests.act_as(:'ta', :'alice', 'tenant_admin');
select is((select array_agg(p order by p) from held where ok), (select array_agg(p order by p) from held),
          'tenant_admin holds every permission of the catalogue');
select tests.act_as(:'ta', :'alice', 'member');
select is((select array_agg(p order by p) from held where ok), array['config:read', 'members:read', 'usage:read'],
          'member holds members:read, config:read, usage:read');
select ok(not tenantd.has_permission('members:write'), 'member lacks members:write');
select tests.act_as(:'ta', :'alice', 'read_only');
select is((select array_agg(p order by p) from held where ok), array['config:read', 'members:read', 'usage:read'],
          'read_only holds members:read, config:read, usage:read');
select ok(not tenantd.has_permission('config:write'), 'read_only lacks config:write');
select tests.act_as(:'ta', :'alice', 'support');
select is((select array_agg(p order by p) from held where ok), array['members:read', 'members:write'],
          'a tenant-defined role holds exactly its role_permissions rows in the current tenant');
select tests.act_as(:'tb', :'alice', 'support');
select is((select array_agg(p order by p) from held where ok), array['audit:read'],
          'the same role name in B means B''s permissions');
select tests.act_as(:'ta', :'alice', 'nonexistent');
select ok(not exists (select 1 from held where ok), 'an unknown role holds nothing');
select tests.act_as(:'ta', :'alice', 'super_admin');
select ok((select bool_and(ok) from held), 'super_admin holds everything in a tenant');
-- the platform holds the catalogue: a name outside it is nobody's permission (the API and
-- check_role_permissions only ever ask for catalogue names)
select ok(not tenantd.has_permission('anything:at_all'), 'super_admin holds no name outside the catalogue');
select tests.act_as(null, null, 'super_admin');
select ok(tenantd.has_permission('members:write'), 'super_admin holds permissions without a tenant context');
select tests.act_as(null, :'alice', 'tenant_admin');
select ok(not exists (select 1 from held where ok), 'no tenant context: nothing, even for tenant_admin');
select tests.act_as(:'ta', :'alice', null);
select ok(not exists (select 1 from held where ok), 'no role: nothing');
select tests.act_as(:'ta', :'alice', 'tenant_admin');
select ok(not tenantd.has_permission(null) and not tenantd.has_permission('launch:missiles'),
          'a NULL or unknown permission is never held by a tenant role');

-- the helpers built on it
select is(tenantd.permissions_of_role('support'), array['members:read', 'members:write'],
          'permissions_of_role: a tenant-defined role');
select is(tenantd.permissions_of_role('read_only'), array['members:read', 'config:read', 'usage:read'],
          'permissions_of_role: a built-in role');
select is(tenantd.permissions_of_role('nonexistent'), null, 'permissions_of_role: unknown role is NULL');
select tests.act_as(:'ta', :'alice', 'support');
select ok(tenantd.may_grant_role('member') = false and tenantd.may_grant_role('support'),
          'may_grant_role: support may give support but not member (it lacks config:read)');
select ok(not tenantd.may_grant_role('tenant_admin'), 'may_grant_role: members:write alone never grants tenant_admin');

-- the context list: computed once, read by has_permission without any lookup
select tests.act_as(:'ta', :'alice', 'member');
select is(current_setting('app.permissions'), ',members:read,config:read,usage:read,',
          'the context keeps the role''s permissions as a sorted, comma-framed list');
select is(tenantd.context_permissions('support'), ',members:read,members:write,',
          'context_permissions: a tenant-defined role of the current tenant');
select is(tenantd.context_permissions('nonexistent') || '|' || tenantd.context_permissions(null)
          || '|' || tenantd.context_permissions(''), '||', 'context_permissions: nothing is the empty list');
select set_config('app.role', 'tenant_admin', true);
select ok(not tenantd.has_permission('members:write'),
          'a forged app.role grants nothing: permissions come from app.permissions only');
select set_config('app.permissions', ',members:read,', true);
select ok(tenantd.has_permission('members:read') and not tenantd.has_permission('members')
          and not tenantd.has_permission('read') and not tenantd.has_permission('')
          and not tenantd.has_permission('members:read,config:read'),
          'a name matches only as a whole entry of the list');
select set_config('app.permissions', '', true);
select ok(not exists (select 1 from held where ok), 'an empty list holds nothing');

reset role;
select * from finish();
rollback;
