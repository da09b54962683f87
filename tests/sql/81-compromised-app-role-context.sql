-- "Compromised app role": what a tenantd_app session can still reach when its SQL is the
-- attacker's, from a genuine member context (entered through tenantd.enter_context) in tenant A.
-- Each assertion is an attack that must fail: reading the audit log without audit:read, reading
-- or replacing integration credentials without config:secrets, making oneself a platform operator
-- by writing app.role (or app.subject) with set_config, or registering an operator.
-- What cannot be closed from here (the app role is trusted to name the token's user: it can
-- call enter_context with another member's id) is said in docs/architecture.md.
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set tb bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
\set alice aaaaaaaa-0000-4000-8000-000000000001
\set mallory aaaaaaaa-0000-4000-8000-0000000081a1
\set eve aaaaaaaa-0000-4000-8000-0000000081e1
begin;
select plan(27);
select tests.share_tap_with('tenantd_app');
select tests.seed_two_tenants();
-- mallory: an ordinary member of A; eve: A's config manager, a tenant role with config:read and
-- config:write but not config:secrets
select tests.create_user('mallory@acme.test', :'mallory');
select tests.add_member(:'ta', :'mallory', 'member');
insert into tenantd.roles (tenant_id, name) values (:'ta', 'config_manager');
insert into tenantd.role_permissions (tenant_id, role_id, permission)
select :'ta', r.id, p from tenantd.roles r, unnest(array['config:read', 'config:write']) p
 where r.tenant_id = :'ta' and r.name = 'config_manager';
select tests.create_user('eve@acme.test', :'eve');
select tests.add_member(:'ta', :'eve', 'config_manager');
insert into tenantd.tenant_configs (tenant_id, type, key, value)
values (:'ta', 'integrations', 'stripe', '{"sealed": "v1", "kid": "00000000-0000-4000-8000-000000000000", "ct": "sk_live_do_not_leak"}'),
       (:'ta', 'general', 'locale', '"en"'),
       (:'ta', 'features', 'beta', 'true');

set local role tenantd_app;
select results_eq(format('select problem, effective_role from tenantd.enter_context(array[%L], %L, %L, %L, %L)',
                         :'ta', :'mallory', 'member', 'req-81', '/v1/users'),
                  $$values (null::text, 'member')$$,
                  'mallory enters A through enter_context, as a member');

-- audit_log needs audit:read
select is((select count(*)::int from tenantd.audit_log), 0,
          'a member reads no audit rows with a plain SELECT (A has one)');
select throws_ok($$select * from tenantd.list_audit_log(null, null, null, null, null, null, null, null, 10)$$,
                 'TD403', null, 'nor through tenantd.list_audit_log');

-- integrations config needs config:secrets
select results_eq('select type, key from tenantd.tenant_configs order by type',
                  $$values ('features', 'beta'), ('general', 'locale')$$,
                  'a member reads general and feature config, never integrations');
select is((select count(*)::int from tenantd.list_config(null) where type = 'integrations'), 0,
          'tenantd.list_config(null) leaves integrations out');
select throws_ok($$select * from tenantd.list_config('integrations')$$, 'TD403', null,
                 'asking for integrations outright: TD403');
select is(tests.affected_rows($$update tenantd.tenant_configs set value = '"x"' where type = 'integrations'$$), 0,
          'a member cannot overwrite an integration credential');

select results_eq(format('select problem, effective_role from tenantd.enter_context(array[%L], %L, %L, null, null)',
                         :'ta', :'eve', 'config_manager'),
                  $$values (null::text, 'config_manager')$$, 'eve enters A as config_manager');
select is((select count(*)::int from tenantd.tenant_configs where type = 'integrations'), 0,
          'config:read and config:write without config:secrets read no integrations rows');
select throws_ok($$select * from tenantd.list_config('integrations')$$, 'TD403',
                 'reading integrations configuration needs the config:secrets permission',
                 'and tenantd.list_config says which permission is missing');
select throws_ok($$select * from tenantd.put_config('integrations', 'stripe', '{"secret_key": "sk_attacker"}', null)$$,
                 'TD403', null, 'nor may they replace the credential through tenantd.put_config');
select throws_ok($$insert into tenantd.tenant_configs (type, key, value) values ('integrations', 'hook', '"https://evil.test"')$$,
                 '42501', null, 'or insert an integrations row directly');
select is(tests.affected_rows($$delete from tenantd.tenant_configs where type = 'integrations'$$), 0,
          'or delete one');
select is((select count(*)::int from tenantd.tenant_configs where type = 'general'), 1,
          'while the general config stays readable to them');

select results_eq(format('select problem, effective_role from tenantd.enter_context(array[%L], %L, %L, null, null)',
                         :'ta', :'alice', 'tenant_admin'),
                  $$values (null::text, 'tenant_admin')$$, 'alice enters A as tenant_admin');
select results_eq($$select key, value from tenantd.list_config('integrations')$$,
                  $$values ('stripe', '{"sealed": "v1", "kid": "00000000-0000-4000-8000-000000000000", "ct": "sk_live_do_not_leak"}'::jsonb)$$,
                  'the built-in tenant_admin has config:secrets and reads them');
select ok((select count(*)::int from tenantd.audit_log) > 0, 'and audit:read: A''s audit rows');

-- forging the context with set_config: app.role = super_admin is not honoured on its own
select tenantd.enter_context(array[:'ta'], :'mallory', 'member', null, null);
select set_config('app.role', 'super_admin', true);
select is(tenantd.is_super_admin(), false, 'a forged app.role = super_admin is no super admin');
select is(tenantd.has_permission('audit:read'), false, 'and grants no permission');
select results_eq('select id from tenantd.tenants', array[:'ta'::uuid],
                  'the tenants policy still shows only the tenant entered');
select is((select count(*)::int from tenantd.users where id <> :'mallory'::uuid
                                                   and id not in (select user_id from tenantd.memberships)), 0,
          'and the users policy shows no one outside A');
select throws_ok($$insert into tenantd.tenants (slug, name) values ('forged', 'Forged')$$, '42501', null,
                 'a forged super admin cannot create a tenant');
select set_config('app.subject', 'someone-unregistered', true);
select is(tenantd.is_super_admin(), false, 'nor with a made-up app.subject');
select set_config('app.role', 'member', true);

-- the operator registry is out of reach
select throws_ok('select * from tenantd.platform_admins', '42501', null, 'the app role cannot list operators');
select throws_ok($$insert into tenantd.platform_admins (subject) values ('mallory')$$, '42501', null,
                 'nor register one');
select throws_ok($$select tenantd.add_platform_admin('mallory')$$, '42501', null,
                 'nor through tenantd.add_platform_admin');
reset role;
select is((select count(*)::int from tenantd.platform_admins where subject = 'mallory'), 0,
          'mallory is no operator');

select * from finish();
rollback;
