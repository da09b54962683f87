-- tenant_configs as tenantd_app: every command limited to the current tenant; reading needs
-- config:read except feature flags (type 'features'), which every member reads; writing needs
-- config:write (tenantd.has_permission). The table's constraints hold for psql users as well.
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set tb bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
\set alice aaaaaaaa-0000-4000-8000-000000000001
\set ca aaaaaaaa-0000-4000-8000-000000000040
\set fa aaaaaaaa-0000-4000-8000-000000000041
\set cb bbbbbbbb-0000-4000-8000-000000000040
begin;
select plan(30);
select tests.share_tap_with('tenantd_app');
select tests.share_tap_with('tenantd_readonly');
select tests.seed_two_tenants();
insert into tenantd.tenant_configs (tenant_id, id, type, key, value)
values (:'ta', :'ca', 'general', 'locale', '"en"'),
       (:'ta', :'fa', 'features', 'beta', 'true'),
       (:'tb', :'cb', 'general', 'locale', '"de"');
-- tenant-defined roles of A: one with no permission at all, one that may only write configuration
insert into tenantd.roles (tenant_id, name) values (:'ta', 'guest'), (:'ta', 'config_writer');
insert into tenantd.role_permissions (tenant_id, role_id, permission)
select :'ta', id, 'config:write' from tenantd.roles where tenant_id = :'ta' and name = 'config_writer';
create temp table b_before as select * from tenantd.tenant_configs where tenant_id = :'tb';

select tests.act_as(:'ta', :'alice', 'tenant_admin');
set local role tenantd_app;

select results_eq('select id from tenantd.tenant_configs order by id', array[:'ca'::uuid, :'fa'::uuid],
                  'A sees exactly its own configuration');
select is_empty(format('select * from tenantd.tenant_configs where tenant_id = %L or id = %L', :'tb', :'cb'),
                'A cannot select B''s configuration');
select throws_ok(format($$insert into tenantd.tenant_configs (tenant_id, type, key, value) values (%L, 'general', 'x', '1')$$, :'tb'),
                 '42501', null, 'A cannot insert configuration with B''s tenant_id');
select lives_ok($$insert into tenantd.tenant_configs (type, key, value, created_by) values ('auth', 'mfa', '{"required": true}', null)$$,
                'A inserts configuration without naming the tenant');
select results_eq($$select tenant_id, created_by, updated_by, is_active from tenantd.tenant_configs where key = 'mfa'$$,
                  format('values (%L::uuid, %L::uuid, %L::uuid, true)', :'ta', :'alice', :'alice'),
                  'tenant_id comes from the context, created_*/updated_* from the stamp trigger, is_active defaults to true');
select is(tests.affected_rows(format($$update tenantd.tenant_configs set value = '"xx"' where tenant_id = %L$$, :'tb')), 0,
          'A cannot update B''s configuration');
select is(tests.affected_rows(format($$update tenantd.tenant_configs set value = '"xx"' where id = %L$$, :'cb')), 0,
          'A cannot update B''s configuration by id');
select tests.refused(format('update tenantd.tenant_configs set tenant_id = %L where id = %L', :'tb', :'ca'),
                     'A cannot move its configuration into B');
select is(tests.affected_rows(format('delete from tenantd.tenant_configs where tenant_id = %L', :'tb')), 0,
          'A cannot delete B''s configuration');
select is(tests.affected_rows(format($$update tenantd.tenant_configs set value = '"fr"' where id = %L$$, :'ca')), 1,
          'A updates its own configuration');

-- constraints
select throws_ok($$insert into tenantd.tenant_configs (type, key, value) values ('secrets', 'x', '1')$$,
                 '23514', null, 'an unknown type violates tenant_configs_type_known');
select throws_ok($$insert into tenantd.tenant_configs (type, key, value) values ('general', 'Upper', '1')$$,
                 '23514', null, 'an upper-case key violates tenant_configs_key_shape');
select throws_ok(format($$insert into tenantd.tenant_configs (type, key, value) values ('general', %L, '1')$$, repeat('k', 129)),
                 '23514', null, 'a 129-character key violates tenant_configs_key_shape');
select throws_ok(format($$insert into tenantd.tenant_configs (type, key, value) values ('general', 'big', to_jsonb(%L::text))$$,
                        repeat('v', 65535)),
                 '23514', null, 'a value over 64 KiB of JSON text violates tenant_configs_value_size');
select throws_ok($$insert into tenantd.tenant_configs (type, key, value) values ('general', 'locale', '"it"')$$,
                 '23505', null, '(tenant, type, key) is unique');

-- a member holds config:read but not config:write
select tests.act_as(:'ta', :'alice', 'member');
select is((select count(*)::int from tenantd.tenant_configs), 3, 'a member reads every type of A''s configuration');
select throws_ok($$insert into tenantd.tenant_configs (type, key, value) values ('general', 'm', '1')$$,
                 '42501', null, 'a member cannot insert configuration');
select is(tests.affected_rows($$update tenantd.tenant_configs set value = '1'$$), 0, 'a member cannot update configuration');
select is(tests.affected_rows('delete from tenantd.tenant_configs'), 0, 'a member cannot delete configuration');

-- a tenant-defined role without config:read still reads the feature flags, and nothing else
select tests.act_as(:'ta', :'alice', 'guest');
select results_eq('select id from tenantd.tenant_configs', array[:'fa'::uuid],
                  'a role without config:read sees the feature flags only');

-- config:write alone: writes, and reads what it writes (upserts need that)
select tests.act_as(:'ta', :'alice', 'config_writer');
select lives_ok($$insert into tenantd.tenant_configs (type, key, value) values ('billing', 'currency', '"EUR"')
                  on conflict (tenant_id, type, key) do update set value = excluded.value$$,
                'a role with config:write only upserts configuration');
select is((select count(*)::int from tenantd.tenant_configs), 4, 'and reads every type');

-- a super admin acting in B sees B's configuration only
select tests.act_as(:'tb', null, 'super_admin');
select results_eq('select id from tenantd.tenant_configs', array[:'cb'::uuid],
                  'a super admin acting in B sees B''s configuration only');

-- tenantd_readonly: reads, RLS applies to it too
reset role;
select tests.act_as(:'ta', null, 'member');
set local role tenantd_readonly;
select is(tests.tenant_rows('tenantd.tenant_configs', :'tb'), 0,
          'tenantd_readonly acting in A sees none of B''s configuration');
select throws_ok($$insert into tenantd.tenant_configs (type, key, value) values ('general', 'r', '1')$$,
                 '42501', null, 'tenantd_readonly cannot write');

-- fail closed: no context, or a tenant that does not exist
reset role;
select tests.act_as(null, :'alice', 'super_admin');
set local role tenantd_app;
select is((select count(*)::int from tenantd.tenant_configs), 0, 'no tenant context: no configuration, even for a super admin');
select tests.refused($$insert into tenantd.tenant_configs (type, key, value) values ('general', 'n', '1')$$,
                     'no tenant context: an insert is refused');
select tests.act_as('00000000-0000-4000-8000-00000000dead', :'alice', 'tenant_admin');
select is((select count(*)::int from tenantd.tenant_configs), 0, 'an unknown tenant: no configuration');

reset role;
select results_eq(format('select * from tenantd.tenant_configs where tenant_id = %L', :'tb'), 'table b_before',
                  'B''s configuration is unchanged (checked as superuser)');
select is((select value from tenantd.tenant_configs where id = :'ca'), '"fr"'::jsonb,
          'A''s own update took effect (checked as superuser)');

select * from finish();
rollback;
