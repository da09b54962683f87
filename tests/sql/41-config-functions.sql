-- tenantd.put_config / tenantd.delete_config / tenantd.list_config: validation with the API's problem codes,
-- upsert semantics, permissions, audit rows, and the current tenant only.
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set tb bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
\set alice aaaaaaaa-0000-4000-8000-000000000001
begin;
select plan(35);
select tests.share_tap_with('tenantd_app');
select tests.seed_two_tenants();
insert into tenantd.tenant_configs (tenant_id, type, key, value)
values (:'tb', 'general', 'only_in_b', '"b"'), (:'tb', 'features', 'beta', 'false');
insert into tenantd.roles (tenant_id, name) values (:'ta', 'guest');
create temp table b_before as select * from tenantd.tenant_configs where tenant_id = :'tb';
set local role tenantd_app;
select tests.act_as(:'ta', :'alice', 'tenant_admin');

-- create, then update
select results_eq($$select type, key, value, is_active, created, created_by, updated_by
                      from tenantd.put_config('features', 'beta', 'true', null)$$,
                  format($$values ('features', 'beta', 'true'::jsonb, true, true, %L::uuid, %L::uuid)$$, :'alice', :'alice'),
                  'put_config creates an entry (active by default) and says so');
select results_eq($$select value, is_active, created from tenantd.put_config('features', 'beta', '{"rollout": 50}', false)$$,
                  $$values ('{"rollout": 50}'::jsonb, false, false)$$,
                  'put_config on an existing key replaces the value and sets is_active');
select results_eq($$select value, is_active, created from tenantd.put_config('features', 'beta', '[1, "two", null]', null)$$,
                  $$values ('[1, "two", null]'::jsonb, false, false)$$,
                  'is_active NULL keeps the stored flag');
select results_eq($$select value from tenantd.put_config('general', 'nothing', 'null', null)$$,
                  $$values ('null'::jsonb)$$, 'JSON null is a value');
select results_eq($$select count(*)::int from tenantd.tenant_configs where type = 'features' and key = 'beta'$$,
                  array[1], 'still one entry per (type, key)');
select is((select count(*)::int from tenantd.tenant_configs where tenant_id = :'tb'), 0,
          'B''s entry with the same type and key stays invisible to A');
select lives_ok(format($$select * from tenantd.put_config('general', 'webhook.url-2_x', to_jsonb(%L::text), true)$$,
                       repeat('u', 65534)),
                'a value of exactly 64 KiB of JSON text and a key using every allowed character are accepted');

-- validation, with the codes the API answers
select throws_ok($$select * from tenantd.put_config('secrets', 'x', '1', null)$$, 'TDB02',
                 'the configuration type must be one of general, auth, billing, features, integrations',
                 'an unknown type: TD400 invalid_config_type');
select throws_ok($$select * from tenantd.put_config(null, 'x', '1', null)$$, 'TDB02', null, 'a missing type: TD400');
select throws_ok($$select * from tenantd.put_config('general', 'Upper', '1', null)$$, 'TDB01',
                 'a configuration key is 1 to 128 characters of a-z, 0-9, ''_'', ''.'' and ''-''',
                 'an upper-case key: TD400 invalid_config_key');
select throws_ok($$select * from tenantd.put_config('general', '', '1', null)$$, 'TDB01', null, 'an empty key: TD400');
select throws_ok($$select * from tenantd.put_config('general', null, '1', null)$$, 'TDB01', null, 'a missing key: TD400');
select throws_ok($$select * from tenantd.put_config('general', 'a/b', '1', null)$$, 'TDB01', null, 'a key with a slash: TD400');
select throws_ok(format($$select * from tenantd.put_config('general', %L, '1', null)$$, repeat('k', 129)), 'TDB01', null,
                 'a 129-character key: TD400');
select lives_ok(format($$select * from tenantd.put_config('general', %L, '1', null)$$, repeat('k', 128)),
                'a 128-character key is accepted');
select throws_ok(format($$select * from tenantd.put_config('general', 'big', to_jsonb(%L::text), null)$$, repeat('v', 65535)),
                 'TDV01', null, 'a value over 64 KiB: TD422');
select throws_ok($$select * from tenantd.put_config('general', 'nothing', null, null)$$, 'TD422', null, 'an SQL NULL value: TD422');
select throws_ok($$select tenantd.delete_config('general', 'Bad Key')$$, 'TDB01', null, 'delete validates the key too');
select throws_ok($$select tenantd.delete_config('bogus', 'x')$$, 'TDB02', null, 'delete validates the type too');

-- delete
select lives_ok($$select tenantd.delete_config('general', 'nothing')$$, 'delete_config removes an entry');
select throws_ok($$select tenantd.delete_config('general', 'nothing')$$, 'TDN01',
                 'no general configuration entry with this key', 'deleting it again: TD404 config_not_found');
select throws_ok($$select tenantd.delete_config('general', 'only_in_b')$$, 'TDN01', null,
                 'deleting a key that only B has: TD404, B keeps it');

-- audit: one row per change, in A, naming the entry but never its value
select results_eq($$select action, target_type, target_id, details - 'value_bytes', actor_role
                      from tenantd.audit_log where target_id in ('features/beta', 'general/nothing') order by action, target_id, details->>'is_active' desc$$,
                  $$values ('config.created', 'config', 'features/beta', '{"type": "features", "key": "beta", "is_active": true}'::jsonb, 'tenant_admin'),
                           ('config.created', 'config', 'general/nothing', '{"type": "general", "key": "nothing", "is_active": true}'::jsonb, 'tenant_admin'),
                           ('config.deleted', 'config', 'general/nothing', '{"type": "general", "key": "nothing"}'::jsonb, 'tenant_admin'),
                           ('config.updated', 'config', 'features/beta', '{"type": "features", "key": "beta", "is_active": false}'::jsonb, 'tenant_admin'),
                           ('config.updated', 'config', 'features/beta', '{"type": "features", "key": "beta", "is_active": false}'::jsonb, 'tenant_admin')$$,
                  'config.created/updated/deleted audit rows name the entry');
select is((select count(*)::int from tenantd.audit_log where details::text like '%rollout%'), 0,
          'audit rows never contain the value');

-- reading
select results_eq($$select type, key from tenantd.list_config(null)$$,
                  format($$values ('features', 'beta'), ('general', %L), ('general', 'webhook.url-2_x')$$, repeat('k', 128)),
                  'list_config(NULL) lists A''s entries by type and key');
select results_eq($$select key from tenantd.list_config('features')$$, $$values ('beta')$$, 'list_config(type) filters by type');
select throws_ok($$select * from tenantd.list_config('bogus')$$, 'TDB02', null, 'list_config validates the type');

-- permissions
select tests.act_as(:'ta', :'alice', 'member');
select throws_ok($$select * from tenantd.put_config('general', 'x', '1', null)$$, 'TD403',
                 'changing configuration needs the config:write permission', 'a member cannot put configuration: TD403');
select throws_ok($$select tenantd.delete_config('features', 'beta')$$, 'TD403', null, 'a member cannot delete configuration: TD403');
select is((select count(*)::int from tenantd.list_config('general')), 2, 'a member reads general configuration');
select tests.act_as(:'ta', :'alice', 'guest');
select results_eq($$select key from tenantd.list_config(null)$$, $$values ('beta')$$,
                  'a role without config:read lists the feature flags only');
select throws_ok($$select * from tenantd.list_config('general')$$, 'TD403', null,
                 'a role without config:read asking for general configuration: TD403');
select results_eq($$select key from tenantd.list_config('features')$$, $$values ('beta')$$,
                  'a role without config:read reads the feature flags');
select tests.act_as(null, :'alice', 'tenant_admin');
select throws_ok($$select * from tenantd.put_config('general', 'x', '1', null)$$, 'TD400', 'no tenant context',
                 'no tenant context: TD400');

reset role;
select results_eq(format('select * from tenantd.tenant_configs where tenant_id = %L order by id', :'tb'),
                  'select * from b_before order by id',
                  'B''s configuration, features/beta included, is unchanged (checked as superuser)');

select * from finish();
rollback;
