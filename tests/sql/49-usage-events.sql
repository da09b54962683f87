-- App-defined meters: tenantd.record_usage_events (validation, idempotency by event id, the
-- daily sums it adds to) and the isolation of tenantd.usage_events (its own-tenant policies,
-- no write grant, no update or delete for anyone). Concurrent reports of one id over HTTP:
-- tests/integration/usage_pgtest.cpp.
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set tb bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
\set alice aaaaaaaa-0000-4000-8000-000000000001
\set bob bbbbbbbb-0000-4000-8000-000000000001
\set carol cccccccc-0000-4000-8000-000000000049
\set erin eeeeeeee-0000-4000-8000-000000000049
begin;
select plan(76);
select tests.share_tap_with('tenantd_app');
select tests.share_tap_with('tenantd_readonly');
select tests.seed_two_tenants();
select tests.create_user('carol49@acme.test', :'carol');
select tests.add_member(:'ta', :'carol', 'member');
-- a tenant-defined role that may report usage but not read it (the back end that reports)
insert into tenantd.roles (tenant_id, id, name) values (:'ta', 'aaaaaaaa-0049-4000-8000-000000000001', 'reporter');
insert into tenantd.role_permissions (tenant_id, role_id, permission)
values (:'ta', 'aaaaaaaa-0049-4000-8000-000000000001', 'usage:write');
select tests.create_user('erin49@acme.test', :'erin');
select tests.add_member(:'ta', :'erin', 'reporter');
-- B already reported an event under an id A will use too, and has a day of it
insert into tenantd.usage_events (tenant_id, id, metric, value, occurred_at)
values (:'tb', 'shared-id-1', 'globex_meter', 999, now());
insert into tenantd.usage_daily (tenant_id, metric, day, value)
values (:'tb', 'transactions', (now() at time zone 'UTC')::date, 500);

-- the refusal's DETAIL, as the dispatcher reads it (the extension members of the problem)
create function pg_temp.detail_of(p_sql text) returns jsonb language plpgsql as $$
declare v_detail text;
begin
  execute p_sql;
  return null;
exception when others then
  get stacked diagnostics v_detail = pg_exception_detail;
  return v_detail::jsonb;
end $$;
grant execute on function pg_temp.detail_of(text) to tenantd_app;
-- one event as JSON, occurred `ago` before now
create function pg_temp.ev(p_id text, p_metric text, p_value jsonb, p_ago interval default '0'::interval)
returns jsonb language sql stable as $$
  select jsonb_build_object('id', p_id, 'metric', p_metric, 'value', p_value,
                            'occurred_at', to_char((now() - p_ago) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
$$;
grant execute on function pg_temp.ev(text, text, jsonb, interval) to tenantd_app;
create function pg_temp.day_value(p_tenant uuid, p_metric text, p_day date default null) returns bigint
language sql stable as $$
  select coalesce(sum(value), 0)::bigint from tenantd.usage_daily
   where tenant_id = p_tenant and metric = p_metric
     and (p_day is null or day = p_day)
$$;

set local role tenantd_app;
select tests.act_as(:'ta', :'alice', 'tenant_admin');

-- recorded, then a duplicate that counts nothing
select is(tenantd.record_usage_events(jsonb_build_array(pg_temp.ev('evt-1', 'transactions', '3'))) -> 0 ->> 'status',
          'recorded', 'a new event is recorded');
select is(tenantd.record_usage_events(jsonb_build_array(pg_temp.ev('evt-1', 'transactions', '3'))) -> 0 ->> 'status',
          'duplicate', 'the same event again: a duplicate');
reset role;
select is(pg_temp.day_value(:'ta', 'transactions', (now() at time zone 'UTC')::date), 3::bigint,
          'counted once into today''s usage_daily row');
select is((select count(*)::int from tenantd.usage_events where tenant_id = :'ta'), 1, 'one event row');
set local role tenantd_app;
select tests.act_as(:'ta', :'alice', 'tenant_admin');

-- the same id with anything different: a conflict, nothing kept
select throws_ok($$select tenantd.record_usage_events(jsonb_build_array(pg_temp.ev('evt-1', 'transactions', '4')))$$,
                 'TDC19', 'event id evt-1 was already reported with a different metric, value or occurred_at',
                 'same id, another value: usage_event_conflict');
select throws_ok($$select tenantd.record_usage_events(jsonb_build_array(pg_temp.ev('evt-1', 'workflow_executions', '3')))$$,
                 'TDC19', null, 'same id, another metric: usage_event_conflict');
select throws_ok($$select tenantd.record_usage_events(jsonb_build_array(pg_temp.ev('evt-1', 'transactions', '3', '1 hour')))$$,
                 'TDC19', null, 'same id, another occurred_at: usage_event_conflict');
select is(pg_temp.detail_of($$select tenantd.record_usage_events(jsonb_build_array(pg_temp.ev('evt-1', 'transactions', '4')))$$),
          '{"id": "evt-1"}'::jsonb, 'the conflict names the id');
-- a batch: in order, a repeated id inside it is a duplicate, recorded once
select is((select jsonb_agg(r ->> 'status') from jsonb_array_elements(tenantd.record_usage_events(jsonb_build_array(
            pg_temp.ev('evt-2', 'transactions', '5'),
            pg_temp.ev('evt-3', 'workflow_executions', '2', '1 day'),
            pg_temp.ev('evt-2', 'transactions', '5'),
            pg_temp.ev('evt-1', 'transactions', '3')))) r),
          '["recorded", "recorded", "duplicate", "duplicate"]'::jsonb,
          'a batch answers per event, in order: a repeat inside it and an earlier id are duplicates');
reset role;
select is(pg_temp.day_value(:'ta', 'transactions', (now() at time zone 'UTC')::date), 8::bigint,
          'today: 3 + 5, the repeated evt-2 counted once');
select is(pg_temp.day_value(:'ta', 'workflow_executions', ((now() - interval '1 day') at time zone 'UTC')::date), 2::bigint,
          'an event of yesterday counts on yesterday''s row (the UTC day it occurred on)');
set local role tenantd_app;
select tests.act_as(:'ta', :'alice', 'tenant_admin');

-- a batch with a conflicting repeat inside it is refused as a whole
select throws_ok($$select tenantd.record_usage_events(jsonb_build_array(
                     pg_temp.ev('evt-4', 'transactions', '1'), pg_temp.ev('evt-4', 'transactions', '2')))$$,
                 'TDC19', null, 'one id twice in a batch with two values: usage_event_conflict');
select throws_ok($$select tenantd.record_usage_events(jsonb_build_array(
                     pg_temp.ev('evt-5', 'transactions', '1'), pg_temp.ev('evt-1', 'transactions', '9')))$$,
                 'TDC19', null, 'a batch with one conflicting event: refused');
reset role;
select is((select count(*)::int from tenantd.usage_events where tenant_id = :'ta' and id in ('evt-4', 'evt-5')), 0,
          'nothing of a refused batch is kept');
select is(pg_temp.day_value(:'ta', 'transactions', (now() at time zone 'UTC')::date), 8::bigint,
          '… nor counted');
set local role tenantd_app;
select tests.act_as(:'ta', :'alice', 'tenant_admin');

-- the UTC day: 23:30 at -02:00 is 01:30 UTC the next day (two days back, so that the instant
-- is in the past at any time of day: one day back was in the future before 01:25 UTC)
select is(tenantd.record_usage_events(jsonb_build_array(jsonb_build_object(
            'id', 'evt-tz', 'metric', 'tz_meter', 'value', 1,
            'occurred_at', to_char((now() - interval '2 days') at time zone 'UTC', 'YYYY-MM-DD') || 'T23:30:00-02:00'))) -> 0 ->> 'status',
          'recorded', 'an event with an offset');
reset role;
select is((select day from tenantd.usage_daily where tenant_id = :'ta' and metric = 'tz_meter'),
          ((now() - interval '1 day') at time zone 'UTC')::date, 'counted on the UTC day of its instant, not the day in its offset');
set local role tenantd_app;
select tests.act_as(:'ta', :'alice', 'tenant_admin');

-- validation: each refusal is TDV11 invalid_usage_event naming the event and the field
select throws_ok(format('select tenantd.record_usage_events(%L)', e), 'TDV11', null, 'refused: ' || why)
  from (values
    (jsonb_build_array(pg_temp.ev('v1', 'api_calls', '1')), 'a metric the service meters (api_calls)'),
    (jsonb_build_array(pg_temp.ev('v1', 'storage_bytes', '1')), 'storage_bytes'),
    (jsonb_build_array(pg_temp.ev('v1', 'members', '1')), 'a quota metric (members)'),
    (jsonb_build_array(pg_temp.ev('v1', 'Transactions', '1')), 'an upper-case metric'),
    (jsonb_build_array(pg_temp.ev('v1', '1tx', '1')), 'a metric starting with a digit'),
    (jsonb_build_array(pg_temp.ev('v1', repeat('m', 64), '1')), 'a metric of 64 characters'),
    (jsonb_build_array(pg_temp.ev('v1', 'transactions', '0')), 'value 0'),
    (jsonb_build_array(pg_temp.ev('v1', 'transactions', '-3')), 'a negative value'),
    (jsonb_build_array(pg_temp.ev('v1', 'transactions', '1.5')), 'a fraction'),
    (jsonb_build_array(pg_temp.ev('v1', 'transactions', '2.0')), 'a decimal point'),
    (jsonb_build_array(pg_temp.ev('v1', 'transactions', '1000000001')), 'value above 1000000000'),
    (jsonb_build_array(pg_temp.ev('v1', 'transactions', '"3"')), 'value as a string'),
    (jsonb_build_array(pg_temp.ev('v1', 'transactions', '1', '-1 hour')), 'occurred_at an hour ahead'),
    (jsonb_build_array(pg_temp.ev('v1', 'transactions', '1', '8 days')), 'occurred_at 8 days ago'),
    (jsonb_build_array(pg_temp.ev('v1', 'transactions', '1') || '{"occurred_at": "2026-12-01"}'), 'a date without time'),
    (jsonb_build_array(pg_temp.ev('v1', 'transactions', '1') || '{"occurred_at": "now"}'), 'occurred_at now'),
    (jsonb_build_array(pg_temp.ev('v1', 'transactions', '1') || '{"occurred_at": 1733130000}'), 'occurred_at as a number'),
    (jsonb_build_array(pg_temp.ev('v1', 'transactions', '1') - 'occurred_at'), 'occurred_at missing'),
    (jsonb_build_array(pg_temp.ev('v1', 'transactions', '1') - 'id'), 'id missing'),
    (jsonb_build_array(pg_temp.ev(' v1', 'transactions', '1')), 'an id with a space'),
    (jsonb_build_array(pg_temp.ev(repeat('i', 129), 'transactions', '1')), 'an id of 129 characters'),
    (jsonb_build_array(pg_temp.ev('v1', 'transactions', '1') || '{"amount": 2}'), 'an unknown field'),
    (jsonb_build_array('"not an object"'::jsonb), 'an event that is no object'),
    ('[]'::jsonb, 'no events'),
    ('{"id": "v1"}'::jsonb, 'an object instead of an array')
  ) as t (e, why);
select is(pg_temp.detail_of(format('select tenantd.record_usage_events(%L)',
            jsonb_build_array(pg_temp.ev('v1', 'transactions', '1'), pg_temp.ev('v2', 'transactions', '0')))),
          '{"index": 1, "field": "value"}'::jsonb, 'the refusal names the event (0-based index) and the field');
select throws_ok(format('select tenantd.record_usage_events(%L)',
                        (select jsonb_agg(pg_temp.ev('b' || i, 'transactions', '1')) from generate_series(1, 101) i)),
                 'TDV06', null, '101 events: too_many_entries');
select is(jsonb_array_length(tenantd.record_usage_events(
            (select jsonb_agg(pg_temp.ev('b' || i, 'transactions', '1')) from generate_series(1, 100) i))),
          100, '100 events: recorded');
select is(tenantd.record_usage_events(jsonb_build_array(pg_temp.ev('x:1.2_3~4-5', 'transactions', '1000000000', '6 days 23 hours'))) -> 0 ->> 'status',
          'recorded', 'the bounds: an id of every allowed character, 1000000000, almost 7 days old');

-- permission: usage:write
select tests.act_as(:'ta', :'carol', 'member');
select throws_ok($$select tenantd.record_usage_events(jsonb_build_array(pg_temp.ev('m1', 'transactions', '1')))$$,
                 'TD403', 'reporting usage needs the usage:write permission', 'a member cannot report usage');
select is((select count(*)::int from tenantd.usage_events), 105, 'a member (usage:read) reads the tenant''s events');
select tests.act_as(:'ta', :'erin', 'reporter');
select is(tenantd.record_usage_events(jsonb_build_array(pg_temp.ev('r1', 'transactions', '2'))) -> 0 ->> 'status',
          'recorded', 'a role with usage:write alone reports');
select is(tenantd.record_usage_events(jsonb_build_array(pg_temp.ev('r1', 'transactions', '2'))) -> 0 ->> 'status',
          'duplicate', '… and recognises its repeat (it reads events, not usage)');
select is((select count(*)::int from tenantd.usage_daily), 0, '… but does not read usage_daily (no usage:read)');
select tests.act_as(:'ta', null, null);
select throws_ok($$select tenantd.record_usage_events(jsonb_build_array(pg_temp.ev('n1', 'transactions', '1')))$$,
                 'TD403', null, 'no role in the context: refused');
select tests.act_as(null, :'alice', 'tenant_admin');
select throws_ok($$select tenantd.record_usage_events(jsonb_build_array(pg_temp.ev('n1', 'transactions', '1')))$$,
                 'TD400', 'no tenant context', 'no tenant in the context: refused');
select is((select count(*)::int from tenantd.usage_events), 0, 'no tenant context: no events visible');

-- isolation: ids are per tenant, and nothing of B is seen or reached
select tests.act_as(:'ta', :'alice', 'tenant_admin');
select is(tenantd.record_usage_events(jsonb_build_array(pg_temp.ev('shared-id-1', 'transactions', '1'))) -> 0 ->> 'status',
          'recorded', 'an id B used is A''s to use: no conflict, no sign of B''s event');
select is((select count(*)::int from tenantd.usage_events where tenant_id = :'tb'), 0, 'A sees no event of B');
select is((select count(*)::int from tenantd.usage_events where metric = 'globex_meter'), 0, '… not even by its metric');
select is((select count(*)::int from tenantd.usage_daily where tenant_id = :'tb'), 0, 'A sees no usage of B');
select throws_ok(format($$insert into tenantd.usage_events (tenant_id, id, metric, value, occurred_at) values (%L, 'd1', 'transactions', 1, now())$$, :'ta'),
                 '42501', null, 'no direct insert: the app role has no write grant (not even in its own tenant)');
select throws_ok($$update tenantd.usage_events set value = 1$$, '42501', null, 'no update grant');
select throws_ok($$delete from tenantd.usage_events$$, '42501', null, 'no delete grant');
select throws_ok(format($$insert into tenantd.usage_daily (tenant_id, metric, day, value) values (%L, 'transactions', '2000-01-01', 1)$$, :'ta'),
                 '42501', null, 'usage_daily: no direct insert');
select throws_ok($$update tenantd.usage_daily set value = 0$$, '42501', null, 'usage_daily: no update (billed usage cannot be lowered)');
select throws_ok($$select tenantd.snapshot_usage()$$, '42501', null, 'the daily sample is the workers'' alone');
reset role;
select is((select value from tenantd.usage_events where tenant_id = :'tb' and id = 'shared-id-1'), 999::bigint,
          'B''s event with that id is untouched');
select is(pg_temp.day_value(:'tb', 'transactions'), 500::bigint, 'B''s usage is untouched');
select is((select count(*)::int from tenantd.usage_events where tenant_id = :'tb'), 1, 'B has its one event');

-- B's own admin sees B's and nothing of A
set local role tenantd_app;
select tests.act_as(:'tb', :'bob', 'tenant_admin');
select is((select array_agg(id) from tenantd.usage_events), array['shared-id-1'], 'B sees its own event only');
select is((select count(*)::int from tenantd.usage_daily), 1, 'B sees its own usage row only');
-- reporting role
reset role;
set local role tenantd_readonly;
select tests.act_as(:'ta', null, null);
select is((select count(*)::int from tenantd.usage_events where tenant_id <> :'ta'), 0, 'readonly: no other tenant''s events');
select cmp_ok((select count(*)::int from tenantd.usage_events), '>', 100, 'readonly: the tenant it names');
select tests.act_as(null, null, null);
select is((select count(*)::int from tenantd.usage_events), 0, 'readonly without a tenant: nothing');
reset role;

-- the table's shape of protection
select ok((select relrowsecurity and relforcerowsecurity from pg_class where oid = 'tenantd.usage_events'::regclass),
          'usage_events: RLS enabled and forced');
select is((select count(*)::int from tenantd.rls_audit() where object like 'tenantd.usage_events%'), 0,
          'rls_audit has nothing to say about usage_events');
select ok(not has_table_privilege('tenantd_app', 'tenantd.usage_events', 'insert')
          and not has_table_privilege('tenantd_app', 'tenantd.usage_events', 'update')
          and not has_table_privilege('tenantd_app', 'tenantd.usage_events', 'delete')
          and not has_table_privilege('tenantd_app', 'tenantd.usage_daily', 'insert'),
          'the app role writes neither table directly');
select ok(tenantd.builtin_role_permissions('tenant_admin') @> array['usage:write']
          and not tenantd.builtin_role_permissions('member') @> array['usage:write']
          and not tenantd.builtin_role_permissions('read_only') @> array['usage:write'],
          'usage:write: built-in tenant_admin only');

select * from finish();
rollback;
