-- The endpoint functions of roles, configuration, onboarding and the audit log (issue 9): each
-- called with a request context as the dispatcher builds it (tenantd.enter resolves the tenant
-- and checks the membership), as the app role. Per function: the answer's shape, a refusal
-- for a caller without the permission, and another tenant's row answering not-found (or being
-- left out of a list) and left unchanged.
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set tb bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
\set alice aaaaaaaa-0000-4000-8000-000000000001
\set bob bbbbbbbb-0000-4000-8000-000000000001
\set carol aaaaaaaa-0000-4000-8000-0000000000c1
begin;
select plan(41);
select tests.seed_two_tenants();
-- custom roles are a plan feature (tenantd.require_feature): the pro plan has it
update tenantd.tenants set plan = 'pro' where slug in ('acme', 'globex');
select tests.create_user('carol@acme.test', :'carol');
select tests.add_member(:'ta', :'carol', 'member');

-- tenant B's own rows: a tenant-defined role, a configuration entry, a completed-nothing
-- onboarding; tenant A's integration credential
select tests.act_as(:'tb', :'bob', 'tenant_admin');
insert into tenantd.roles (name, description) values ('b_auditor', 'b only') returning id as role_b \gset
insert into tenantd.tenant_configs (type, key, value) values ('general', 'b_only', '"b-value"');
select tests.act_as(:'ta', :'alice', 'tenant_admin');
insert into tenantd.tenant_configs (type, key, value) values ('integrations', 'stripe', '{"sealed": "v1", "kid": "00000000-0000-4000-8000-000000000000", "ct": "sk_a"}');
insert into tenantd.tenant_configs (type, key, value) values ('general', 'locale', '"de"');
select id as role_member_a from tenantd.roles where tenant_id = :'ta' and name = 'member' \gset

-- the contexts the dispatcher sends (the permission key only on routes that declare one)
select format('{"refs": [%s], "user_id": %s, "role": "tenant_admin", "request_id": "t-alice"}',
              to_json(:'ta'::text), to_json(:'alice'::text)) as ctx_alice \gset
select format('{"refs": [%s], "user_id": %s, "role": "member", "request_id": "t-carol"}',
              to_json(:'ta'::text), to_json(:'carol'::text)) as ctx_carol \gset
select format('{"refs": [%s], "user_id": %s, "role": "member", "request_id": "t-carol", "permission": "roles:write"}',
              to_json(:'ta'::text), to_json(:'carol'::text)) as ctx_carol_roles \gset

select tests.share_tap_with('tenantd_app');
set local role tenantd_app;

-- roles ------------------------------------------------------------------------------------
select is((select array_agg(r ->> 'name' order by ord)
             from json_array_elements((api.list_roles(:'ctx_carol', 50, null)).body -> 'data')
                  with ordinality x (r, ord)),
          array['member', 'read_only', 'tenant_admin'],
          'list_roles: the tenant''s roles in name order, and not tenant B''s b_auditor');
select is((api.list_roles(:'ctx_carol', 2, null)).body ->> 'next_cursor', tenantd.encode_cursor('read_only'),
          'list_roles: a short page carries the cursor of its last name');
select is((select array_agg(r ->> 'name')
             from json_array_elements((api.list_roles(:'ctx_carol', 2, 'read_only')).body -> 'data') r),
          array['tenant_admin'], 'list_roles: the next page starts after the cursor');
select is((select array_agg(k) from json_object_keys((api.get_role(:'ctx_carol', :'role_member_a')).body) k),
          array['id', 'name', 'description', 'built_in', 'permissions', 'created_at', 'updated_at'],
          'get_role: the role object''s fields, in order');
select ok((api.get_role(:'ctx_carol', :'role_member_a')).body ->> 'created_at'
            ~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$', 'get_role: timestamps are RFC 3339 UTC with milliseconds');
select is(json_typeof((api.get_role(:'ctx_carol', :'role_member_a')).body -> 'permissions'), 'array',
          'get_role: permissions is an array');
select throws_ok(format('select api.get_role(%L, %L)', :'ctx_alice', :'role_b'), 'TDN04', null,
                 'get_role: tenant B''s role id answers role_not_found in tenant A');
select throws_ok(format($q$select api.create_role(%L, 'sneaky', null, '{}')$q$, :'ctx_carol'), 'TD403', null,
                 'create_role: a member without roles:write is refused (by the procedure, even without the route''s permission)');
select throws_ok(format($q$select api.create_role(%L, 'sneaky', null, '{}')$q$, :'ctx_carol_roles'), 'TD403', null,
                 'create_role: and by tenantd.enter when the route declares roles:write');
select is((api.create_role(:'ctx_alice', 'auditor', 'reads the log', '{audit:read}')).status, 201,
          'create_role: 201');
select is((select (api.get_role(:'ctx_alice', id)).body ->> 'name' from tenantd.roles where name = 'auditor'),
          'auditor', 'create_role: the role exists in tenant A');
select is((select ((api.update_role(:'ctx_alice', id, true, 'changed', null)).body ->> 'description')
             from tenantd.roles where name = 'auditor'),
          'changed', 'update_role: answers the role as it is now');
select throws_ok(format($q$select api.update_role(%L, %L, true, 'pwned', null)$q$, :'ctx_alice', :'role_b'),
                 'TDN04', null, 'update_role: tenant B''s role id answers role_not_found in tenant A');
select throws_ok(format($q$select api.update_role(%L, %L, true, 'pwned', null)$q$, :'ctx_carol', :'role_member_a'),
                 'TD403', null, 'update_role: a member without roles:write is refused');
select throws_ok(format('select api.delete_role(%L, %L)', :'ctx_alice', :'role_b'), 'TDN04', null,
                 'delete_role: tenant B''s role id answers role_not_found in tenant A');
select throws_ok(format('select api.delete_role(%L, id) from tenantd.roles where name = %L', :'ctx_carol', 'auditor'),
                 'TD403', null, 'delete_role: a member without roles:write is refused');
select is((select (api.delete_role(:'ctx_alice', id)).status from tenantd.roles where name = 'auditor'), 204,
          'delete_role: 204');

-- configuration ----------------------------------------------------------------------------
select is((select array_agg(k) from json_object_keys((api.list_config(:'ctx_carol')).body) k),
          array['general', 'auth', 'billing', 'features', 'integrations'],
          'list_config: every type, in the documented order');
select is((select array_agg(e ->> 'key') from json_array_elements((api.list_config(:'ctx_carol')).body -> 'general') e),
          array['locale'], 'list_config: tenant A''s general entries, not tenant B''s b_only');
select is(json_array_length((api.list_config(:'ctx_carol')).body -> 'integrations'), 0,
          'list_config: integrations (credentials) left out for a caller without config:secrets');
select is(json_array_length((api.list_config(:'ctx_alice')).body -> 'integrations'), 1,
          'list_config: and shown to a tenant admin');
select is((api.list_config_type(:'ctx_carol', 'general')).body::jsonb -> 'data' -> 0 -> 'value', '"de"'::jsonb,
          'list_config_type: {"type", "data": [entry]} with the stored value');
select throws_ok(format($q$select api.list_config_type(%L, 'integrations')$q$, :'ctx_carol'), 'TD403', null,
                 'list_config_type: integrations refused without config:secrets');
select throws_ok(format($q$select api.put_config(%L, 'general', 'locale', '"fr"', null)$q$, :'ctx_carol'),
                 'TD403', null, 'put_config: a member without config:write is refused');
select is(row((r).status, (r).headers ->> 'Location', (r).body ->> 'key')::text,
          row(201, '/v1/config/features/beta', 'beta')::text,
          'put_config: a new entry answers 201 with its Location')
  from (select api.put_config(:'ctx_alice', 'features', 'beta', '{"rollout": 5}', null) as r) x;
select is(row((r).status, (r).headers is null, (r).body -> 'value' ->> 'rollout')::text, row(200, true, '10')::text,
          'put_config: replacing it answers 200 without a Location')
  from (select api.put_config(:'ctx_alice', 'features', 'beta', '{"rollout": 10}', null) as r) x;
select throws_ok(format($q$select api.delete_config(%L, 'general', 'b_only')$q$, :'ctx_alice'), 'TDN01', null,
                 'delete_config: tenant B''s entry answers config_not_found in tenant A');
select throws_ok(format($q$select api.delete_config(%L, 'general', 'locale')$q$, :'ctx_carol'), 'TD403', null,
                 'delete_config: a member without config:write is refused');
select is((api.delete_config(:'ctx_alice', 'features', 'beta')).status, 204, 'delete_config: 204');

-- onboarding -------------------------------------------------------------------------------
select is(row((r).status, (r).body ->> 'progress_percent', (r).body ->> 'completed',
              json_typeof((r).body -> 'steps'))::text,
          row(200, '0', 'false', 'array')::text, 'get_onboarding: steps and progress')
  from (select api.get_onboarding(:'ctx_carol') as r) x;
select throws_ok(format($q$select api.complete_onboarding_step(%L, 'profile', false)$q$, :'ctx_carol'), 'TD403', null,
                 'complete_onboarding_step: a member without tenant:write is refused');
select is(row((r).body -> 'step' ->> 'key', (r).body ->> 'progress_percent', (r).body ->> 'tenant_activated')::text,
          row('profile', '50', 'false')::text, 'complete_onboarding_step: the step, the progress, no activation')
  from (select api.complete_onboarding_step(:'ctx_alice', 'profile', false) as r) x;
select throws_ok(format($q$select api.complete_onboarding_step(%L, 'no_such_step', false)$q$, :'ctx_alice'),
                 'TDN03', null, 'complete_onboarding_step: an unknown key answers onboarding_step_not_found');

-- audit log --------------------------------------------------------------------------------
select throws_ok(format('select api.list_audit_log(%L, 50, null, null, null, null, null, null, null, null)', :'ctx_carol'),
                 'TD403', null, 'list_audit_log: a member without audit:read is refused');
select ok((select bool_and(e ->> 'action' <> 'seed.b') and bool_or(e ->> 'action' = 'seed.a')
             from json_array_elements((api.list_audit_log(:'ctx_alice', 200, null, null, null, null, null, null, null, null)).body -> 'data') e),
          'list_audit_log: tenant A''s rows, none of tenant B''s');
select is(json_array_length((api.list_audit_log(:'ctx_alice', 50, null, :'bob', null, null, null, null, null, null)).body -> 'data'),
          0, 'list_audit_log: filtering by tenant B''s admin finds nothing in tenant A');
select is((select array_agg(k) from json_object_keys((api.list_audit_log(:'ctx_alice', 1, null, null, null, null, null, null, null, null)).body -> 'data' -> 0) k),
          array['id', 'at', 'actor_id', 'actor_role', 'action', 'target_type', 'target_id', 'details', 'request_id'],
          'list_audit_log: the entry''s fields, in order');
select is((api.list_audit_log(:'ctx_alice', 1, null, null, null, null, null, null, null, null)).body ->> 'next_cursor',
          (select tenantd.encode_cursor(l.at_cursor || '|' || l.id)
             from tenantd.list_audit_log(null, null, null, null, null, null, null, null, 1) l),
          'list_audit_log: a short page carries the cursor "<at>|<id>" of its last entry');
reset role;

select is((select description from tenantd.roles where id = :'role_b'), 'b only',
          'tenant B''s role is unchanged');
select is((select value from tenantd.tenant_configs where tenant_id = :'tb' and key = 'b_only'), '"b-value"'::jsonb,
          'tenant B''s configuration entry is unchanged');
select is((select count(*)::int from tenantd.onboarding_steps where tenant_id = :'tb' and completed_at is not null), 0,
          'tenant B''s onboarding is unchanged');

select * from finish();
rollback;
