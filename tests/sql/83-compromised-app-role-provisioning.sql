-- A compromised app role (SQL as tenantd_app) cannot queue provisioning work for a tenant by
-- forging app.role = 'super_admin': the queue is owner-only and the one gate to it,
-- tenantd.request_provisioning, asks the operator registry, not the setting.
\set tb bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
begin;
select plan(6);
select tests.share_tap_with('tenantd_app');
select tests.seed_two_tenants();
insert into tenantd.platform_admins (subject) values ('ops@example.test') on conflict do nothing;
-- session authorization, not just role: session_user must be tenantd_app, as in production
set local session authorization tenantd_app;
select set_config('app.role', 'super_admin', true), set_config('app.subject', 'mallory', true),
       set_config('app.permissions', tenantd.context_permissions('super_admin'), true);
select throws_ok(format('select tenantd.enqueue_provisioning(%L)', :'tb'), '42501', null,
                 'the app role cannot call the owner-only enqueue');
select throws_ok(format('select tenantd.request_provisioning(%L)', :'tb'), 'TD403', null,
                 'a forged super_admin with an unregistered subject is refused');
select throws_ok(format('select * from tenantd.reprovision_tenant(%L)', :'tb'), null, null,
                 'and reprovisioning through the procedure fails too');
select set_config('app.subject', 'ops@example.test', true);
select lives_ok(format('select tenantd.request_provisioning(%L)', :'tb'),
                'a registered operator''s subject passes the gate');
reset session authorization;
select is((select count(*)::int from tenantd.jobs where dedupe_key = 'provision:' || :'tb'), 1,
          'exactly the operator''s job was queued');
select ok(not has_function_privilege('tenantd_app', 'tenantd.enqueue_provisioning(uuid)', 'execute'),
          'tenantd_app holds no execute on enqueue_provisioning');
select * from finish();
rollback;
