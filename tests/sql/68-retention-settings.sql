-- Retention settings: tenantd.retention_settings as tenantd_app (every command limited to the
-- current tenant; reading needs config:read or tenant:write, writing tenant:write; no context,
-- no rows), the plan's bounds enforced by api.put_retention (TDC23 out of bounds, TDC24 bad
-- shape, TD403 without tenant:write), and the effective value: the setting clamped by the
-- current plan, so a downgrade tightens it and an upgrade restores it.
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set tb bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
\set alice aaaaaaaa-0000-4000-8000-000000000001
begin;
select plan(35);
select tests.share_tap_with('tenantd_app');
select tests.seed_two_tenants();
update tenantd.tenants set plan = 'pro' where id = :'ta';
update tenantd.tenants set plan = 'free' where id = :'tb';
insert into tenantd.retention_settings (tenant_id, data, days) values (:'tb', 'audit_log', 60);

-- the plans' numbers are data, and consistent
select is((select max_days from tenantd.plan_retention where plan_id = 'enterprise' and data = 'audit_log'), 2555,
          'enterprise keeps the audit log up to 7 years (2555 days)');
select is((select default_days from tenantd.plan_retention where plan_id = 'free' and data = 'audit_log'), 90,
          'free keeps the audit log 90 days by default');
select throws_ok($$insert into tenantd.plan_retention values ('free', 'sessions', 5, 10, 20)$$, '23514', null,
                 'a plan''s default below its minimum is refused by the table');
select is((select count(*)::int from tenantd.plans p cross join unnest(tenantd.retention_kinds()) k
            where not exists (select 1 from tenantd.plan_retention r where r.plan_id = p.id and r.data = k)),
          0, 'every plan has bounds for every kind of data');

-- isolation, as tenantd_app
select tests.act_as(:'ta', :'alice', 'tenant_admin');
set local role tenantd_app;
select is_empty('select 1 from tenantd.retention_settings', 'A''s admin sees no setting of B''s');
select throws_ok(format($$insert into tenantd.retention_settings (tenant_id, data, days) values (%L, 'sessions', 3)$$, :'tb'),
                 '42501', null, 'A cannot insert a setting into B');
select is(tests.affected_rows(format('update tenantd.retention_settings set days = 1 where tenant_id = %L', :'tb')),
          0, 'A cannot change B''s setting');
select is(tests.affected_rows(format('delete from tenantd.retention_settings where tenant_id = %L', :'tb')),
          0, 'A cannot delete B''s setting');
select lives_ok($$insert into tenantd.retention_settings (data, days) values ('sessions', 3)$$,
                'A''s admin inserts a setting without naming the tenant');
select is((select tenant_id from tenantd.retention_settings where data = 'sessions'), :'ta'::uuid,
          'the new row belongs to A');
select throws_ok(format('update tenantd.retention_settings set tenant_id = %L', :'tb'), '42501', null,
                 'a setting cannot be moved to B');
-- the stamps are the trigger's: a caller that names them (it may, for Citus's sake) is overruled
insert into tenantd.retention_settings (data, days, updated_by, updated_at)
values ('usage_events', 30, :'tb', '2000-01-01');
select is((select updated_at > now() - interval '1 hour' from tenantd.retention_settings where data = 'usage_events'), true,
          'a forged updated_at is replaced by the time of the write');
select is((select updated_by from tenantd.retention_settings where data = 'usage_events'), :'alice'::uuid,
          'a forged updated_by is replaced by the writer');
delete from tenantd.retention_settings where data = 'usage_events';
select throws_ok('delete from tenantd.audit_log', '42501', null, 'the app role still cannot delete audit rows');
select throws_ok($$select tenantd.retention_step('{}')$$, '42501', null, 'the app role cannot run a sweep step');

-- a member reads, does not write
select tests.act_as(:'ta', :'alice', 'member');
select isnt_empty('select 1 from tenantd.retention_settings', 'a member sees A''s settings');
select throws_ok($$insert into tenantd.retention_settings (data, days) values ('invitations', 9)$$, '42501', null,
                 'a member cannot add a setting');
select is(tests.affected_rows('delete from tenantd.retention_settings'), 0, 'a member cannot delete a setting');
select throws_ok($$select api.put_retention(null, '{"audit_log": 100}')$$, 'TD403', null,
                 'a member cannot change the retention through the API');
select is((api.get_retention(null)).status, 200, 'a member reads the retention through the API');
select tests.act_as(null, null, null);
select is_empty('select 1 from tenantd.retention_settings', 'without a context no setting is visible');

-- bounds (pro: audit_log 30 to 1095 days)
select tests.act_as(:'ta', :'alice', 'tenant_admin');
select throws_ok($$select api.put_retention(null, '{"audit_log": 1096}')$$, 'TDC23',
                 'audit_log: 1096 days is outside the bounds of plan pro (30 to 1095 days)', 'above the plan''s maximum');
select throws_ok($$select api.put_retention(null, '{"audit_log": 29}')$$, 'TDC23', null, 'below the plan''s minimum');
select throws_ok($$select api.put_retention(null, '{"usage_events": 7}')$$, 'TDC23', null,
                 'usage detail cannot be kept shorter than the plan''s minimum (35 days)');
select throws_ok($$select api.put_retention(null, '{"audit_log": 90.5}')$$, 'TDC24', null, 'not a whole number');
select throws_ok($$select api.put_retention(null, '{"audit_log": "90"}')$$, 'TDC24', null, 'a string');
select throws_ok($$select api.put_retention(null, '{"audit_log": -1}')$$, 'TDC24', null, 'negative');
select throws_ok($$select api.put_retention(null, '{"webhooks": 30}')$$, 'TDC24', null, 'an unknown kind of data');
select throws_ok($$select api.put_retention(null, '[90]')$$, 'TDC24', null, 'not an object');
select is((api.put_retention(null, '{"audit_log": 1095, "sessions": null}')).body::jsonb #> '{retention,audit_log}',
          '{"days": 1095, "setting": 1095, "default_days": 365, "min_days": 30, "max_days": 1095, "clamped": false}'::jsonb,
          'a value within the bounds is stored and effective');
select is((select count(*)::int from tenantd.retention_settings where data = 'sessions'), 0,
          'null goes back to the plan''s default (the setting is removed)');
select is((select details from tenantd.audit_log where action = 'retention.updated' order by at desc limit 1),
          '{"old": {"sessions": 3}, "new": {"audit_log": 1095}}'::jsonb, 'the change is audited with old and new settings');

-- a downgrade clamps the effective value; the setting is kept and counts again after an upgrade
reset role;
update tenantd.tenants set plan = 'free' where id = :'ta';
select is(tenantd.retention_policy(:'ta') -> 'audit_log',
          '{"days": 90, "setting": 1095, "default_days": 90, "min_days": 30, "max_days": 90, "clamped": true}'::jsonb,
          'after a downgrade to free the effective audit retention is free''s maximum');
update tenantd.tenants set plan = 'enterprise' where id = :'ta';
select is((tenantd.retention_policy(:'ta') -> 'audit_log' ->> 'days')::int, 1095,
          'after an upgrade the setting counts again');
select is((tenantd.retention_policy(:'tb') -> 'invitations' ->> 'days')::int, 30,
          'without a setting: the plan''s default');

select * from finish();
rollback;
