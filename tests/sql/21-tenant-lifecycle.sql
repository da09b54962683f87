-- tenantd.transition_tenant: the lifecycle state machine (every allowed transition, a sample of
-- illegal ones, timestamps, audit, who may call it), soft deletion as seen by enter_context, and
-- api.update_tenant / the protect-columns trigger (who may change which field).
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set tb bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
\set alice aaaaaaaa-0000-4000-8000-000000000001
\set ops 0000000e-0000-4000-8000-00000000000e
begin;
select plan(69);
select tests.share_tap_with('tenantd_app');
select tests.seed_two_tenants();

-- one tenant per allowed transition, in its from-state
create temp table allowed (from_state text, to_state text, id uuid);
insert into allowed (from_state, to_state) values
  ('pending', 'provisioning'), ('pending', 'active'), ('pending', 'suspended'),
  ('pending', 'failed'), ('pending', 'deleted'),
  ('provisioning', 'active'), ('provisioning', 'failed'), ('provisioning', 'deleted'),
  ('active', 'suspended'), ('active', 'inactive'), ('active', 'deleted'),
  ('suspended', 'active'), ('suspended', 'inactive'), ('suspended', 'deleted'),
  ('inactive', 'active'), ('inactive', 'suspended'), ('inactive', 'deleted'),
  ('failed', 'provisioning'), ('failed', 'deleted');
update allowed set id = tests.create_tenant('ok-' || from_state || '-' || to_state, gen_random_uuid(), from_state);

create temp table illegal (from_state text, to_state text, id uuid);
insert into illegal (from_state, to_state) values
  ('deleted', 'active'), ('deleted', 'suspended'), ('deleted', 'deleted'), ('deleted', 'provisioning'),
  ('active', 'active'), ('active', 'pending'), ('active', 'provisioning'), ('active', 'failed'),
  ('suspended', 'suspended'), ('suspended', 'provisioning'), ('pending', 'inactive'),
  ('provisioning', 'suspended'), ('provisioning', 'inactive'), ('failed', 'active'),
  ('failed', 'suspended'), ('inactive', 'failed'), ('pending', 'pending');
update illegal set id = tests.create_tenant('no-' || from_state || '-' || to_state, gen_random_uuid(),
                                            case when from_state = 'deleted' then 'suspended' else from_state end);
update tenantd.tenants t set deleted_at = now() - interval '1 day'
  from illegal i where i.id = t.id and i.from_state = 'deleted';
grant select on allowed, illegal to tenantd_app;

set local role tenantd_app;
select tests.act_as(null, :'ops', 'super_admin');

-- every allowed transition (19 tests)
select is(tenantd.tenant_state(r.status, r.deleted_at), a.to_state,
          format('%s -> %s is allowed', a.from_state, a.to_state))
  from allowed a cross join lateral tenantd.transition_tenant(a.id, a.to_state, 'because') r
 order by a.from_state, a.to_state;

-- a sample of illegal ones (17 tests)
select throws_ok(format('select tenantd.transition_tenant(%L, %L, null)', i.id, i.to_state), 'TDC07', null,
                 format('%s -> %s is invalid_transition', i.from_state, i.to_state))
  from illegal i order by i.from_state, i.to_state;
select throws_ok(format('select tenantd.transition_tenant(%L, %L, null)',
                        (select id from illegal where from_state = 'deleted' and to_state = 'suspended'), 'suspended'),
                 'TDC07', 'cannot suspend a deleted tenant', 'the message names the transition');
select throws_ok(format('select tenantd.transition_tenant(%L, %L, null)',
                        (select id from illegal where from_state = 'active' and to_state = 'pending'), 'pending'),
                 'TDC07', 'cannot reset an active tenant to pending', 'nothing returns to pending');

-- side effects
select results_eq($$select t.status, t.status_reason, t.activated_at = now(), t.suspended_at
                      from tenantd.tenants t join allowed a on a.id = t.id
                     where a.from_state = 'pending' and a.to_state = 'active'$$,
                  $$values ('active', 'because', true, null::timestamptz)$$,
                  'activation sets activated_at and the reason');
select results_eq($$select t.status, t.suspended_at = now(), t.activated_at
                      from tenantd.tenants t join allowed a on a.id = t.id
                     where a.from_state = 'active' and a.to_state = 'suspended'$$,
                  $$values ('suspended', true, null::timestamptz)$$,
                  'suspension sets suspended_at');
select results_eq($$select t.status, t.deleted_at = now()
                      from tenantd.tenants t join allowed a on a.id = t.id
                     where a.from_state = 'inactive' and a.to_state = 'deleted'$$,
                  $$values ('inactive', true)$$,
                  'deletion sets deleted_at and keeps the status it had');
reset role;  -- audit rows of many tenants: read as the superuser
select results_eq($$select a.action, a.actor_id, a.actor_role, a.target_type, a.details
                      from tenantd.audit_log a join allowed x on x.id = a.tenant_id
                     where x.from_state = 'active' and x.to_state = 'suspended'$$,
                  format($$values ('tenant.suspended', %L::uuid, 'super_admin', 'tenant',
                                   '{"from": "active", "to": "suspended", "reason": "because"}'::jsonb)$$, :'ops'),
                  'one audit row per transition, in that tenant, with from, to and reason');
select is((select count(*)::int from tenantd.audit_log a join allowed x on x.id = a.tenant_id), 19,
          'every allowed transition wrote exactly one audit row');
select is((select array_agg(distinct a.action order by a.action) from tenantd.audit_log a join allowed x on x.id = a.tenant_id),
          array['tenant.activated', 'tenant.deactivated', 'tenant.deleted', 'tenant.failed',
                'tenant.provisioning', 'tenant.suspended'],
          'audit actions name the event');

set local role tenantd_app;

-- suspended_at and activated_at are kept across the cycle
select tests.act_as(:'ta', :'ops', 'super_admin');
select lives_ok(format('select tenantd.transition_tenant(%L, %L, %L)', :'ta', 'suspended', 'unpaid'), 'suspend A');
select lives_ok(format('select tenantd.transition_tenant(%L, %L, null)', :'ta', 'active'), 'and activate it again');
select results_eq(format('select status, status_reason, suspended_at is not null, activated_at is not null from tenantd.tenants where id = %L', :'ta'),
                  $$values ('active', null::text, true, true)$$,
                  'suspended_at is kept after reactivation');

-- argument and caller checks
select tests.act_as(null, :'ops', 'super_admin');
select throws_ok(format('select tenantd.transition_tenant(%L, %L, null)', :'ta', 'archived'), 'TD422', null, 'an unknown state: TD422');
select throws_ok(format('select tenantd.transition_tenant(%L, %L, %L)', :'ta', 'suspended', repeat('x', 501)), 'TD422', null,
                 'a reason over 500 characters: TD422');
select throws_ok($$select tenantd.transition_tenant('00000000-0000-4000-8000-00000000dead', 'active', null)$$,
                 'TDN05', 'no such tenant', 'an unknown tenant: TD404');
select tests.act_as(:'ta', :'alice', 'tenant_admin');
select throws_ok(format('select tenantd.transition_tenant(%L, %L, null)', :'ta', 'suspended'), 'TD403', null,
                 'a tenant admin cannot change their tenant''s status');
select throws_ok($$update tenantd.tenants set status = 'suspended'$$, 'TD403', null, 'not with a plain UPDATE either');

-- enter_context: deleted and suspended tenants resolve and are reported
select results_eq(format('select tenant_status, problem from tenantd.enter_context(array[%L], null, null, null, null)',
                         (select id from allowed where from_state = 'pending' and to_state = 'deleted')),
                  $$values ('deleted', null::text)$$,
                  'enter_context resolves a soft-deleted tenant by id and reports it deleted');
select results_eq(format('select tenant_status from tenantd.enter_context(array[%L], null, null, null, null)',
                         'ok-pending-deleted'),
                  $$values ('deleted')$$, 'and by slug');
select results_eq(format('select tenant_status from tenantd.enter_context(array[%L], null, null, null, null)',
                         'ok-active-suspended'),
                  $$values ('suspended')$$, 'a suspended tenant resolves with its status');

-- api.update_tenant: a super admin changes anything
select tests.act_as(null, :'ops', 'super_admin');
select results_eq(format($$select name, description, plan, metadata from api.update_tenant(%L, %L)$$,
                         :'tb', '{"name": "Globex Intl", "plan": "enterprise", "metadata": {"tier": 1}, "description": null}'),
                  $$values ('Globex Intl', null::text, 'enterprise', '{"tier": 1}'::jsonb)$$,
                  'a super admin changes name, description, plan and metadata');
reset role;
select results_eq(format($$select details from tenantd.audit_log where tenant_id = %L and action = 'tenant.updated'$$, :'tb'),
                  $$values ('{"fields": ["description", "metadata", "name", "plan"], "plan": {"from": "free", "to": "enterprise"}}'::jsonb)$$,
                  'a tenant.updated audit row lists the fields and the plan change');
set local role tenantd_app;
select throws_ok(format($$select api.update_tenant(%L, '{"plan": "platinum"}')$$, :'tb'), 'TD422', null, 'an unknown plan: TD422');
select throws_ok(format($$select api.update_tenant(%L, '{"name": "  "}')$$, :'tb'), 'TD422', null, 'a blank name: TD422');
select throws_ok(format($$select api.update_tenant(%L, '{"slug": "x"}')$$, :'tb'), 'TD422', null, 'an unknown field: TD422');
select throws_ok($$select api.update_tenant('00000000-0000-4000-8000-00000000dead', '{"name": "x"}')$$,
                 'TDN05', null, 'an unknown tenant: TD404');

-- a tenant admin: name and description of their own tenant only
select tests.act_as(:'ta', :'alice', 'tenant_admin');
select results_eq(format($$select name, description from api.update_tenant(%L, '{"name": "Acme Two", "description": "d"}')$$, :'ta'),
                  $$values ('Acme Two', 'd')$$, 'a tenant admin renames their own tenant');
select throws_ok(format($$select api.update_tenant(%L, '{"plan": "pro"}')$$, :'ta'), 'TD403',
                 'a tenant_admin may change name and description only', 'but not its plan');
select throws_ok(format($$select api.update_tenant(%L, '{"metadata": {}}')$$, :'ta'), 'TD403', null, 'nor its metadata');
select throws_ok($$update tenantd.tenants set metadata = '{"x": 1}'$$, 'TD403', null,
                 'nor its metadata with a plain UPDATE (tg_tenants__protect_columns)');
select throws_ok(format($$select api.update_tenant(%L, '{"name": "Pwned"}')$$, :'tb'), 'TD403', null,
                 'nor another tenant');
select tests.act_as(:'ta', :'alice', 'member');
select throws_ok(format($$select api.update_tenant(%L, '{"name": "M"}')$$, :'ta'), 'TD403', null, 'a member changes nothing');

-- tenant_audit: only a super admin writes about a tenant other than the context's
select throws_ok(format($$select tenantd.tenant_audit(%L, 'tenant.forged', '{}')$$, :'tb'), 'TD403', null,
                 'tenant_audit refuses another tenant to a non-super-admin');

reset role;
select results_eq(format('select name, plan from tenantd.tenants where id = %L', :'tb'),
                  $$values ('Globex Intl', 'enterprise')$$, 'B is as the super admin left it');
select * from finish();
rollback;
