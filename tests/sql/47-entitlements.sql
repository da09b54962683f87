-- Entitlements: the plan with per-tenant overrides (tenantd.effective_entitlements), written by
-- platform operators only; the endpoint functions; isolation of the override rows.
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set tb bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
\set alice aaaaaaaa-0000-4000-8000-000000000001
\set bob bbbbbbbb-0000-4000-8000-000000000001
\set carol cccccccc-0000-4000-8000-000000000001
\set alice_a '{"refs": ["acme"], "user_id": "aaaaaaaa-0000-4000-8000-000000000001", "role": "tenant_admin", "request_id": "t47"}'
\set carol_a '{"refs": ["acme"], "user_id": "cccccccc-0000-4000-8000-000000000001", "role": "member", "request_id": "t47"}'
\set ops_a '{"refs": ["acme"], "role": "super_admin", "subject": "tests-operator", "request_id": "t47"}'
begin;
select plan(29);
select tests.share_tap_with('tenantd_app');
select tests.seed_two_tenants();
select tests.create_user('carol@acme.test', :'carol');
select tests.add_member(:'ta', :'carol', 'member');
update tenantd.tenants set plan = 'free' where id = :'ta';
update tenantd.tenants set plan = 'pro' where id = :'tb';
select coalesce(api_requests_per_minute::text, 'null') as pro_rpm from tenantd.plans where id = 'pro' \gset

set local role tenantd_app;

-- the plan alone
select tests.act_as(:'ta', :'carol', 'member');
select is(tenantd.effective_entitlements(:'ta') -> 'limits',
          '{"members": 5, "members_per_month": 20, "invitations_per_month": 20, "custom_roles": 0,
            "domains": 0, "api_keys": 2, "sessions": 10, "api_requests_per_minute": 60}'::jsonb,
          'a free tenant: the free plan''s limits, named by metric');
select is(tenantd.effective_entitlements(:'ta') -> 'features',
          '{"sso": false, "custom_roles": false, "audit_log_export": false, "webhooks": false}'::jsonb,
          '… and its features');
select is(tenantd.effective_entitlements(:'tb'), null, 'another tenant''s entitlements: nothing (RLS)');
select is((api.get_entitlements(:'carol_a')).status, 200, 'GET /v1/entitlements: any member reads them');
select is((api.get_entitlements(:'carol_a')).body::jsonb ->> 'plan', 'free', '… the plan');
select is((api.get_entitlements(:'carol_a')).body::jsonb ->> 'tenant_id', :'ta', '… of the tenant');

-- the rate-limit policy the dispatcher reads in the request's own statement (src/db/api_call.cpp):
-- after the call in FROM has entered the context, never before it
select is(tenantd.current_rate_limit()::jsonb, jsonb_build_object('tenant_id', :'ta', 'requests_per_minute', 60),
          'current_rate_limit: the context''s tenant and its plan''s requests per minute');
select set_config('app.tenant_id', '', true);
select is(tenantd.current_rate_limit()::jsonb, null, '… no tenant in the context: no policy');
select is((select rl::jsonb from (select r.status, tenantd.current_rate_limit()::text as rl
                                    from api.get_entitlements(:'carol_a') r) x),
          jsonb_build_object('tenant_id', :'ta', 'requests_per_minute', 60),
          '… read in the statement of a call: the tenant that call entered');
-- ctx.rate_limit (the dispatcher's first request of a principal in a minute): enter reads the
-- limit before the endpoint writes (Citus), and current_rate_limit answers that reading
select is((select rl::jsonb from (select r.status, tenantd.current_rate_limit()::text as rl
                                    from api.get_entitlements(jsonb_set(:'carol_a'::jsonb, '{rate_limit}', 'true')) r) x),
          jsonb_build_object('tenant_id', :'ta', 'requests_per_minute', 60),
          '… read by enter when the context asks for it: the same answer');
select is((select rl::jsonb from (select r.status, tenantd.current_rate_limit()::text as rl
                                    from api.get_entitlements(jsonb_set(:'ops_a'::jsonb, '{refs}', jsonb_build_array(:'tb'))) r) x),
          jsonb_build_object('tenant_id', :'tb', 'requests_per_minute', :'pro_rpm'::jsonb),
          '… and a later call in the same transaction, in another tenant and without asking, never answers the first tenant''s reading');

-- a tenant admin cannot change them: not through the function, not with SQL, not through config
select tests.act_as(:'ta', :'alice', 'tenant_admin');
select throws_ok($$select tenantd.put_entitlements('{"members": 1000}', '{}', null)$$, 'TD403',
                 'only a platform operator may change a tenant''s entitlements',
                 'tenant_admin: put_entitlements refused');
select throws_ok(format($$select api.put_entitlements(%L, '{"custom_roles": 50}', '{"custom_roles": true}', null)$$, :'alice_a'),
                 'TD403', null, 'tenant_admin: PUT /v1/tenants/{t}/entitlements refused');
select throws_ok(format($$insert into tenantd.entitlement_overrides (tenant_id, limits) values (%L, '{"members": 1000}')$$, :'ta'),
                 '42501', null, 'tenant_admin: inserting an override directly is refused by its policy');
select lives_ok($$select api.put_config('{"refs": ["acme"], "user_id": "aaaaaaaa-0000-4000-8000-000000000001", "role": "tenant_admin"}',
                                        'features', 'custom_roles', 'true', null)$$,
                'tenant_admin writes a features config flag (the tenant''s own flags) …');
select is(tenantd.effective_entitlements(:'ta') -> 'features' -> 'custom_roles', 'false'::jsonb,
          '… which is not the entitlement: custom_roles stays off');
select throws_ok($$select tenantd.require_feature('custom_roles')$$, 'TDF08',
                 'this tenant''s plan does not include custom_roles', 'require_feature refuses');

-- a forged super_admin (app role sets app.role itself, no registered operator) is no operator
select set_config('app.role', 'super_admin', true), set_config('app.subject', 'not-registered', true);
select throws_ok($$select tenantd.put_entitlements('{"members": 1000}', '{}', null)$$, 'TD403', null,
                 'a forged app.role = super_admin is refused');
reset role;
select is((select count(*) from tenantd.entitlement_overrides where tenant_id = :'ta'), 0::bigint,
          'no override was written');
set local role tenantd_app;

-- a registered operator, acting in the tenant by naming it
select is((api.put_entitlements(:'ops_a', '{"members": 7, "custom_roles": 3, "domains": null}',
                                '{"custom_roles": true}', 'sales deal 42')).status, 200,
          'an operator overrides limits and features');
select tests.act_as(:'ta', :'carol', 'member');
select is(tenantd.effective_entitlements(:'ta') -> 'limits',
          '{"members": 7, "members_per_month": 20, "invitations_per_month": 20, "custom_roles": 3,
            "domains": null, "api_keys": 2, "sessions": 10, "api_requests_per_minute": 60}'::jsonb,
          'overridden keys replace the plan''s (null: unlimited), the others inherit it');
select is(tenantd.effective_entitlements(:'ta') -> 'features' -> 'custom_roles', 'true'::jsonb, 'the feature is on');
select lives_ok($$select tenantd.require_feature('custom_roles')$$, 'require_feature admits');
reset role;
select is((select details from tenantd.audit_log where tenant_id = :'ta' and action = 'entitlements.updated'),
          '{"old": null, "new": {"limits": {"members": 7, "custom_roles": 3, "domains": null},
            "features": {"custom_roles": true}}, "reason": "sales deal 42"}'::jsonb,
          'one entitlements.updated audit row with the old and new overrides');
update tenantd.tenants set plan = 'pro' where id = :'ta';
set local role tenantd_app;
select tests.act_as(:'ta', :'carol', 'member');
select is((tenantd.effective_entitlements(:'ta') -> 'limits' ->> 'invitations_per_month')::int, 500,
          'a plan change reaches the keys the override does not name');

-- the override's values are checked
select tests.act_as(:'ta', null, 'super_admin');
select throws_ok($$select tenantd.put_entitlements('{"widgets": 1}', '{}', null)$$, 'TDV10', 'unknown limit widgets',
                 'an unknown limit');
select throws_ok($$select tenantd.put_entitlements('{"members": -1}', '{}', null)$$, 'TDV10', null, 'a negative limit');
select throws_ok($$select tenantd.put_entitlements('{"members": 1.5}', '{}', null)$$, 'TDV10', null, 'a fraction');
select throws_ok($$select tenantd.put_entitlements('{}', '{"sso": "yes"}', null)$$, 'TDV10', null, 'a feature that is no boolean');

select * from finish();
rollback;
