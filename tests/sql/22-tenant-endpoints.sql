-- The endpoint functions of the tenants, tenant-status, admin-jobs and me routes
-- (api.*_tenant, api.tenant_stats, api.list_tenants, api.tenant_status, api.own_tenant_status,
-- api.list_jobs, api.get_me), called as the dispatcher calls them: as tenantd_app with a
-- request context that tenantd.enter checks. Each answer's shape, a refusal per permission,
-- and another tenant answering not-found or refused. Also tenantd.hmac_sha256 against RFC 4231
-- and the sign-up token reveal (shown once, to the key holder only).
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set tb bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
\set alice aaaaaaaa-0000-4000-8000-000000000001
\set bob bbbbbbbb-0000-4000-8000-000000000001
\set carol aaaaaaaa-0000-4000-8000-00000000000c
\set ops '{"role": "super_admin", "subject": "tests-operator", "request_id": "t22"}'
\set ops_b '{"refs": ["globex"], "role": "super_admin", "subject": "tests-operator", "allow_inactive": true}'
\set alice_a '{"refs": ["acme"], "user_id": "aaaaaaaa-0000-4000-8000-000000000001", "role": "tenant_admin", "allow_inactive": true}'
\set carol_a '{"refs": ["acme"], "user_id": "aaaaaaaa-0000-4000-8000-00000000000c", "role": "member", "allow_inactive": true}'
\set bob_b '{"refs": ["globex"], "user_id": "bbbbbbbb-0000-4000-8000-000000000001", "role": "tenant_admin", "allow_inactive": true}'
begin;
select plan(55);
select tests.share_tap_with('tenantd_app');
select tests.seed_two_tenants();
select tests.create_user('carol@acme.test', :'carol');
select tests.add_member(:'ta', :'carol', 'member');
-- a signed-up tenant whose admin invitation token waits for the holder of key 'k-22'
select tests.create_tenant('initech', 'cccccccc-cccc-4ccc-8ccc-cccccccccccc');
select tests.create_tenant('broken', 'dddddddd-dddd-4ddd-8ddd-dddddddddddd', 'failed');
insert into tenantd.tenant_signups (tenant_id, admin_email, invitation_nonce, invitation_token_hash)
select 'cccccccc-cccc-4ccc-8ccc-cccccccccccc', 'boss@initech.test', n,
       sha256(convert_to(rtrim(translate(encode(tenantd.hmac_sha256('k-22'::bytea,
                 convert_to('tenantd-signup-invitation:' || encode(n, 'hex'), 'UTF8')), 'base64'), E'+/\n', '-_'), '='), 'UTF8'))
  from (select sha256('t22-nonce'::bytea) as n) x;
create temp table created (r tenantd.reply);
grant all on created to tenantd_app;

set local role tenantd_app;

-- tenantd.hmac_sha256: RFC 4231 test case 2, and a key longer than the block (hashed first)
select is(encode(tenantd.hmac_sha256('Jefe'::bytea, 'what do ya want for nothing?'::bytea), 'hex'),
          '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843', 'hmac_sha256: RFC 4231 case 2');
select is(encode(tenantd.hmac_sha256(decode(repeat('aa', 131), 'hex'),
                                     'Test Using Larger Than Block-Size Key - Hash Key First'::bytea), 'hex'),
          '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54', 'hmac_sha256: RFC 4231 case 6');

-- api.get_tenant
select results_eq(format($$select (r).status, (r).body ->> 'id', (r).body ->> 'slug', (r).body ->> 'member_count'
                             from (select api.get_tenant(%L) as r) x$$, :'alice_a'),
                  format($$values (200, %L, 'acme', '2')$$, :'ta'), 'get_tenant: the own tenant with its member count');
select is((select array_agg(k) from json_object_keys((api.get_tenant(:'alice_a')).body) k),
          array['id', 'slug', 'name', 'description', 'status', 'status_reason', 'plan', 'external_id', 'metadata',
                'created_at', 'updated_at', 'activated_at', 'suspended_at', 'deleted_at', 'member_count'],
          'get_tenant: the fields, in order');
select matches((api.get_tenant(:'alice_a')).body ->> 'created_at', '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$',
               'get_tenant: timestamps in RFC 3339 UTC with milliseconds');
select throws_ok(format($$select api.get_tenant(%L)$$, replace(:'alice_a', '"acme"', '"globex"')), 'TDU01', null,
                 'get_tenant: alice naming globex is refused (no membership there)');
select throws_ok(format($$select api.get_tenant(%L)$$, replace(:'alice_a', '"acme"', '"acme", "globex"')), 'TDF06', null,
                 'get_tenant: two tenants named: tenant_mismatch');
select throws_ok(format($$select api.get_tenant(%L)$$, replace(:'alice_a', '"acme"', '"no-such-tenant"')), 'TDN05', null,
                 'get_tenant: an unknown tenant: tenant_not_found');

-- api.update_tenant
select is((api.update_tenant(:'alice_a', '{"name": "Acme Renamed"}')).body ->> 'name', 'Acme Renamed',
          'update_tenant: a tenant_admin renames its tenant');
select throws_ok(format($$select api.update_tenant(%L, '{"plan": "pro"}')$$, :'alice_a'), 'TD403', null,
                 'update_tenant: a tenant_admin may not change the plan');
select throws_ok(format($$select api.update_tenant(%L, '{"name": "Pwned"}')$$, :'carol_a'), 'TD403', null,
                 'update_tenant: a member may not rename');
select throws_ok(format($$select api.update_tenant(%L, '{"name": "Pwned"}')$$, replace(:'alice_a', '"acme"', '"globex"')),
                 'TDU01', null, 'update_tenant: alice cannot name globex');

-- lifecycle: suspend, the inactive-tenant rule, activate
select throws_ok(format($$select api.suspend_tenant(%L, 'x')$$, :'alice_a'), 'TD403', null,
                 'suspend_tenant: a tenant_admin may not');
select throws_ok(format($$select api.suspend_tenant(%L, '  ')$$, :'ops_b'), 'TD422', null,
                 'suspend_tenant: a reason is required');
select results_eq(format($$select (r).status, (r).body ->> 'status', (r).body ->> 'status_reason'
                             from (select api.suspend_tenant(%L, 'unpaid') as r) x$$, :'ops_b'),
                  $$values (200, 'suspended', 'unpaid')$$, 'suspend_tenant: a super admin suspends globex');
select throws_ok(format($$select api.get_tenant(%L)$$, :'bob_b'), 'TDF04', 'this tenant is suspended',
                 'get_tenant: bob reads nothing of his suspended tenant');
select throws_ok(format($$select api.update_tenant(%L, '{"name": "Back"}')$$, :'bob_b'), 'TDF04', null,
                 'update_tenant: nor changes it');
select is((api.get_tenant(:'ops_b')).body ->> 'status', 'suspended', 'get_tenant: a super admin reads it');
select is((api.own_tenant_status(:'bob_b')).body ->> 'status', 'suspended',
          'own_tenant_status: a suspended tenant may still ask where it is');
select throws_ok(format($$select api.activate_tenant(%L, null)$$, :'bob_b'), 'TD403', null,
                 'activate_tenant: a tenant_admin may not');
select is((api.activate_tenant(:'ops_b', null)).body ->> 'status', 'active', 'activate_tenant: a super admin activates');
select throws_ok(format($$select api.activate_tenant(%L, null)$$, :'ops_b'), 'TDC07', null,
                 'activate_tenant: active -> active is invalid_transition');

-- api.list_tenants
select throws_ok(format($$select api.list_tenants(%L, 50, 'slug', false, null, null, null, null, null, null, null)$$,
                        :'alice_a'), 'TD403', null, 'list_tenants: not for a tenant_admin');
select results_eq(format($$select (r).status, json_array_length((r).body -> 'data'), (r).body -> 'data' -> 0 ->> 'slug',
                                  (r).body ->> 'next_cursor' is not null
                             from (select api.list_tenants(%L, 1, 'slug', false, null, null, null, now(), null, null, null) as r) x$$,
                        :'ops'),
                  $$values (200, 1, 'acme', true)$$, 'list_tenants: a page of one, by slug, with a cursor');
select is((select convert_from(decode(rpad(c, (length(c) + 3) / 4 * 4, '='), 'base64'), 'UTF8')
             from (select translate((api.list_tenants(:'ops', 1, 'slug', true, null, null, null, now(), null, null, null))
                                      .body ->> 'next_cursor', '-_', '+/') as c) x),
          E'-slug\ncccccccc-cccc-4ccc-8ccc-cccccccccccc\ninitech',
          'list_tenants: the cursor holds the sort, the id and the key');
select is((api.list_tenants(:'ops', 50, 'slug', false, null, null, null, now(), null, 'acme', :'ta')).body -> 'data' -> 0 ->> 'slug',
          'broken', 'list_tenants: the page after the cursor');
select is((api.list_tenants(:'ops', 50, 'name', false, null, null, '%lobe%', now(), null, null, null)).body::text,
          (select format('{"data" : [%s], "next_cursor" : null}',
                         (select tenantd.tenant_json(t) from tenantd.tenants t where t.slug = 'globex')::text)),
          'list_tenants: q filters by name or slug; the rows are tenant_json');
select is((api.list_tenants(:'ops', 50, 'created_at', false, 'deleted', null, null, null, null, null, null)).body::text,
          '{"data" : [], "next_cursor" : null}', 'list_tenants: deleted tenants are never listed');

-- api.tenant_stats
select throws_ok(format($$select api.tenant_stats(%L)$$, :'alice_a'), 'TD403', null, 'tenant_stats: not for a tenant_admin');
select results_eq(format($$select ((r).body ->> 'total')::int, json_array_length((r).body -> 'created_per_day'),
                                  ((r).body -> 'by_status' ->> 'active')::int
                             from (select api.tenant_stats(%L) as r) x$$, :'ops'),
                  $$select count(*)::int, 30, count(*) filter (where status = 'active')::int
                      from tenantd.tenants where deleted_at is null$$,
                  'tenant_stats: totals, 30 days, by status (what a super admin counts itself)');

-- api.create_tenant, api.delete_tenant, api.reprovision_tenant
select throws_ok(format($$select api.create_tenant(%L, 'Evil', null, 'free', null, null)$$, :'alice_a'), 'TD403', null,
                 'create_tenant: not for a tenant_admin');
insert into created select api.create_tenant(:'ops', 'Hooli', null, 'free', null, '{"crm": 1}');
select results_eq($$select (r).status, (r).body ->> 'slug', (r).body ->> 'status', (r).body -> 'metadata' ->> 'crm',
                           (r).headers ->> 'Location' = '/v1/tenants/' || ((r).body ->> 'id'),
                           (r).body ->> 'status_url' = '/v1/tenant-status/' || ((r).body ->> 'id')
                      from created$$,
                  $$values (202, 'hooli', 'pending', '1', true, true)$$,
                  'create_tenant: 202, the pending tenant, Location and status_url');
select throws_ok(format($$select api.delete_tenant(%L)$$, :'alice_a'), 'TD403', null, 'delete_tenant: not for a tenant_admin');
select throws_ok(format($$select api.reprovision_tenant(%L)$$, :'bob_b'), 'TD403', null, 'reprovision_tenant: not for a tenant_admin');
select throws_ok(format($$select api.reprovision_tenant(%L)$$, :'ops_b'), 'TDC06', null,
                 'reprovision_tenant: an active tenant is not failed: invalid_state');
-- the attack: the app role forges app.role = super_admin without a registered operator; the
-- procedure runs as its caller, so is_super_admin() does not take the forgery
select throws_ok($$select set_config('app.role', 'super_admin', true), set_config('app.subject', '', true),
                          tenantd.reprovision_tenant('dddddddd-dddd-4ddd-8ddd-dddddddddddd')$$,
                 'TD403', null, 'reprovision_tenant: a forged super_admin role is refused');
select results_eq(format($$select (r).status, (r).body ->> 'status', (r).headers ->> 'Location'
                             from (select api.reprovision_tenant(%L) as r) x$$, replace(:'ops_b', 'globex', 'broken')),
                  $$values (202, 'failed', '/v1/tenant-status/dddddddd-dddd-4ddd-8ddd-dddddddddddd')$$,
                  'reprovision_tenant: a super admin queues a failed tenant again');
select is((api.tenant_status('{}', 'dddddddd-dddd-4ddd-8ddd-dddddddddddd', null)).body ->> 'provisioning_status',
          'queued', 'reprovision_tenant: provisioning is queued');
select results_eq(format($$select (r).status, (r).body is null from (select api.delete_tenant(%L) as r) x$$,
                         replace(:'ops_b', 'globex', 'hooli')),
                  $$values (204, true)$$, 'delete_tenant: 204 without a body');
select is((api.get_tenant(replace(:'ops_b', 'globex', 'hooli')::jsonb)).body ->> 'status', 'deleted',
          'delete_tenant: soft deletion');

-- api.list_jobs
select throws_ok(format($$select api.list_jobs(%L, null, null, null, 50)$$, :'alice_a'), 'TD403', null,
                 'list_jobs: not for a tenant_admin');
select results_eq(format($$select (r).status, d ->> 'kind', d -> 'payload' ->> 'tenant_id', (r).body ->> 'next_cursor' is not null
                             from (select api.list_jobs(%L, 'queued', 'tenant.provision', null, 2) as r) x
                                  cross join lateral json_array_elements((r).body -> 'data') with ordinality as e (d, n)
                            order by n$$, :'ops'),
                  $$select 200, 'tenant.provision', 'dddddddd-dddd-4ddd-8ddd-dddddddddddd', false
                    union all
                    select 200, 'tenant.provision', (r).body ->> 'id', false from created$$,
                  'list_jobs: the jobs reprovision_tenant and create_tenant enqueued, newest first');

-- api.get_me
select results_eq(format($$select (r).body ->> 'role', (r).body ->> 'tenant_id', (r).body -> 'user' ->> 'email',
                                  (r).body -> 'user' ->> 'membership_role'
                             from (select api.get_me(%L) as r) x$$, :'carol_a'),
                  format($$values ('member', %L, 'carol@acme.test', 'member')$$, :'ta'), 'get_me: a member in its tenant');
select results_eq(format($$select (r).body ->> 'sub', (r).body ->> 'role', (r).body ->> 'tenant_id', (r).body ->> 'user'
                             from (select api.get_me(%L) as r) x$$, :'ops'),
                  $$values ('tests-operator', 'super_admin', null, null)$$,
                  'get_me: an operator without tenant or user');
select throws_ok(format($$select api.get_me(%L)$$, replace(:'carol_a', '"acme"', '"globex"')), 'TDU01', null,
                 'get_me: carol naming globex is refused');

-- api.tenant_status (public) and the token reveal
select results_eq(format($$select (r).status, (r).body ->> 'tenant_id', (r).body ->> 'status', (r).headers ->> 'Cache-Control',
                                  (r).body ->> 'admin_invitation_token' is null, (r).body ->> 'name' is null
                             from (select api.tenant_status('{}', %L, null) as r) x$$, :'ta'),
                  format($$values (200, %L, 'active', 'no-store', true, true)$$, :'ta'),
                  'tenant_status: the status only, to anyone, not cached');
select throws_ok($$select api.tenant_status('{}', '00000000-0000-4000-8000-00000000dead', null)$$, 'TDN05', null,
                 'tenant_status: an unknown id: tenant_not_found');
select is((api.tenant_status('{}', 'cccccccc-cccc-4ccc-8ccc-cccccccccccc', 'wrong-key')).body ->> 'admin_invitation_token',
          null, 'tenant_status: a wrong key shows no token');
select is((api.tenant_status('{}', 'cccccccc-cccc-4ccc-8ccc-cccccccccccc', 'k-22')).body ->> 'admin_invitation_token',
          rtrim(translate(encode(tenantd.hmac_sha256('k-22'::bytea,
                  convert_to('tenantd-signup-invitation:' || encode(sha256('t22-nonce'::bytea), 'hex'), 'UTF8')),
                  'base64'), E'+/\n', '-_'), '='),
          'tenant_status: the key holder sees the token');
select is((api.tenant_status('{}', 'cccccccc-cccc-4ccc-8ccc-cccccccccccc', 'k-22')).body ->> 'admin_invitation_token',
          null, 'tenant_status: once');
select is((api.own_tenant_status(:'alice_a')).body ->> 'tenant_id', :'ta', 'own_tenant_status: the own tenant');
select throws_ok($$select tenantd.reveal_signup_token('cccccccc-cccc-4ccc-8ccc-cccccccccccc', 'k-22')
                    from tenantd.tenant_signups$$, '42501', null,
                 'the app role still cannot read tenant_signups itself');

-- the attack: SQL of the app role's own session (session_user tenantd_app, as in production)
-- forges app.role = super_admin and calls the definer tenantd.list_jobs directly
reset role;
set local session authorization tenantd_app;
select throws_ok($$select set_config('app.role', 'super_admin', true), set_config('app.subject', '', true),
                          (select count(*) from tenantd.list_jobs(null, null, null, 5))$$,
                 'TD403', null, 'list_jobs: a forged super_admin role reads no job');
select is((select count(*)::int from (select set_config('app.role', 'super_admin', true),
                                             set_config('app.subject', 'tests-operator', true)) s,
                                     tenantd.list_jobs(null, null, null, 5)) > 0,
          true, 'list_jobs: the registered operator does');
reset session authorization;
select is((select count(*)::int from tenantd.audit_log
            where tenant_id = 'cccccccc-cccc-4ccc-8ccc-cccccccccccc' and action = 'tenant.admin_invitation_revealed'),
          1, 'the reveal is audited once');

select * from finish();
rollback;
