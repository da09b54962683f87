-- tenantd.complete_onboarding_step / tenantd.onboarding_progress / tenantd.activate_after_onboarding:
-- idempotent completion, progress over required steps, and auto-activation in the same
-- transaction, only from pending or provisioning and only when asked to.
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set tb bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
\set tc cccccccc-cccc-4ccc-8ccc-cccccccccccc
\set td dddddddd-dddd-4ddd-8ddd-dddddddddddd
\set alice aaaaaaaa-0000-4000-8000-000000000001
begin;
select plan(33);
select tests.share_tap_with('tenantd_app');
select tests.seed_two_tenants();
update tenantd.tenants set status = 'pending' where id in (:'ta', :'tb');
select tests.create_tenant('suspended-co', :'tc', 'suspended');
select tests.create_tenant('provisioning-co', :'td', 'provisioning');
select tests.share_tap_with('tenantd_app');
set local role tenantd_app;

select tests.act_as(:'ta', :'alice', 'tenant_admin');
select results_eq('select progress_percent, completed from tenantd.onboarding_progress()', 'values (0, false)',
                  'nothing done: 0 percent, not completed');
select results_eq($$select key, completed_at = now(), completed_by, newly_completed, tenant_activated
                      from tenantd.complete_onboarding_step('profile', true)$$,
                  format($$values ('profile', true, %L::uuid, true, false)$$, :'alice'),
                  'completing a required step records when and who; not all done, no activation');
select results_eq('select progress_percent, completed from tenantd.onboarding_progress()', 'values (50, false)',
                  'one of two required steps: 50 percent');
select results_eq($$select action, target_type, target_id, details, actor_id, actor_role from tenantd.audit_log
                     where action = 'onboarding.step_completed'$$,
                  format($$values ('onboarding.step_completed', 'onboarding_step', 'profile',
                                   '{"title": "Complete the organisation profile", "required": true}'::jsonb, %L::uuid, 'tenant_admin')$$, :'alice'),
                  'an onboarding.step_completed audit row');
-- an earlier completion time makes "keeps the first completed_at" observable within one transaction
reset role;
update tenantd.onboarding_steps set completed_at = '2024-01-01T00:00:00Z' where tenant_id = :'ta' and key = 'profile';
set local role tenantd_app;
select results_eq($$select completed_at, newly_completed from tenantd.complete_onboarding_step('profile', true)$$,
                  $$values ('2024-01-01T00:00:00Z'::timestamptz, false)$$,
                  'completing a completed step keeps the first completed_at');
select is((select count(*)::int from tenantd.audit_log where action = 'onboarding.step_completed'), 1,
          'and writes no second audit row');
select results_eq($$select key, newly_completed from tenantd.complete_onboarding_step('configure_settings', true)$$,
                  $$values ('configure_settings', true)$$, 'optional steps can be completed');
select results_eq('select progress_percent from tenantd.onboarding_progress()', 'values (50)',
                  'optional steps do not count towards the progress');
select throws_ok($$select * from tenantd.complete_onboarding_step('no_such_step', true)$$, 'TDN03',
                 'this tenant has no onboarding step with this key',
                 'an unknown key: TD404 onboarding_step_not_found');
select throws_ok($$select * from tenantd.complete_onboarding_step(null, true)$$, 'TDN03', null, 'a NULL key: TD404');

-- the last required step, auto-activation on
select results_eq($$select key, tenant_activated from tenantd.complete_onboarding_step('invite_members', true)$$,
                  $$values ('invite_members', true)$$, 'completing the last required step activates the tenant');
select results_eq('select status, activated_at = now(), status_reason from tenantd.tenants',
                  $$values ('active', true, 'onboarding completed')$$,
                  'A is active, activated now, in the same transaction');
select results_eq($$select action, target_type, target_id, details, actor_id, actor_role from tenantd.audit_log
                     where action = 'tenant.activated'$$,
                  format($$values ('tenant.activated', 'tenant', %L, '{"from": "pending", "to": "active", "reason": "onboarding completed"}'::jsonb,
                                   %L::uuid, 'tenant_admin')$$, :'ta', :'alice'),
                  'a tenant.activated audit row with the caller as actor and role');
select results_eq('select progress_percent, completed from tenantd.onboarding_progress()', 'values (100, true)',
                  'all required steps: 100 percent, completed');
select results_eq($$select tenant_activated from tenantd.complete_onboarding_step('connect_integrations', true)$$,
                  'values (false)', 'an active tenant is not activated again');
select is((select count(*)::int from tenantd.audit_log where action = 'tenant.activated'), 1, 'one tenant.activated row only');

-- permissions and context
select tests.act_as(:'ta', :'alice', 'member');
select throws_ok($$select * from tenantd.complete_onboarding_step('profile', true)$$, 'TD403',
                 'completing onboarding steps needs the tenant:write permission', 'a member cannot complete steps: TD403');
select results_eq('select progress_percent, completed from tenantd.onboarding_progress()', 'values (100, true)',
                  'a member reads the progress');
select tests.act_as(null, :'alice', 'tenant_admin');
select throws_ok($$select * from tenantd.complete_onboarding_step('profile', true)$$, 'TD400', 'no tenant context',
                 'no tenant context: TD400');
select results_eq('select progress_percent, completed from tenantd.onboarding_progress()', 'values (100, true)',
                  'no context: no required steps visible, hence trivially 100 (the API never asks without a tenant)');

-- B: auto-activation off
select tests.act_as(:'tb', null, 'super_admin');
select lives_ok($$select * from tenantd.complete_onboarding_step('profile', false)$$, 'a super admin acting in B completes a step');
select results_eq($$select tenant_activated from tenantd.complete_onboarding_step('invite_members', false)$$, 'values (false)',
                  'with auto-activation off the last required step does not activate');
select results_eq('select status from tenantd.tenants where id = ' || quote_literal(:'tb'), $$values ('pending')$$,
                  'B stays pending');
select results_eq('select completed from tenantd.onboarding_progress()', 'values (true)', 'although its onboarding is complete');
select results_eq($$select actor_id, actor_role from tenantd.audit_log where action = 'onboarding.step_completed'$$,
                  $$values (null::uuid, 'super_admin'), (null::uuid, 'super_admin')$$,
                  'a super admin''s completions are audited with the role super_admin');

-- C: suspended, never reactivated
select tests.act_as(:'tc', null, 'super_admin');
select lives_ok($$select * from tenantd.complete_onboarding_step('profile', true)$$, 'completing steps of a suspended tenant');
select results_eq($$select tenant_activated from tenantd.complete_onboarding_step('invite_members', true)$$, 'values (false)',
                  'completing the last required step of a suspended tenant does not activate it');
select results_eq('select status from tenantd.tenants where id = ' || quote_literal(:'tc'), $$values ('suspended')$$,
                  'C stays suspended');

-- D: provisioning becomes active; activate_after_onboarding alone refuses while steps are open
select tests.act_as(:'td', null, 'tenant_admin');
select is(tenantd.activate_after_onboarding(), false, 'activate_after_onboarding does nothing while required steps are open');
select lives_ok($$select * from tenantd.complete_onboarding_step('profile', true)$$, 'D completes a step');
select results_eq($$select tenant_activated from tenantd.complete_onboarding_step('invite_members', true)$$, 'values (true)',
                  'a provisioning tenant is activated when its onboarding completes');

-- the owner-only seeding function is not the app's
select throws_ok(format('select tenantd.seed_onboarding(%L)', :'ta'), '42501', null,
                 'tenantd_app cannot execute tenantd.seed_onboarding');

reset role;
select results_eq(format('select key, completed_at is null from tenantd.onboarding_steps where tenant_id = %L order by id', :'tc'),
                  format('select key, key not in (%L, %L) from tenantd.onboarding_steps where tenant_id = %L order by id',
                         'profile', 'invite_members', :'tc'),
                  'C''s completions touched C''s own two steps only (checked as superuser)');

select * from finish();
rollback;
