-- The usage reports (api.get_usage, api.get_usage_daily, api.get_usage_trends), the daily
-- sample (tenantd.snapshot_usage, the 'usage.snapshot' job's work) and the sessions quota on
-- login (quota metric 'sessions', the plan's max_sessions).
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set tb bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
\set alice aaaaaaaa-0000-4000-8000-000000000001
\set bob bbbbbbbb-0000-4000-8000-000000000001
\set carol cccccccc-0000-4000-8000-000000000149
\set alice_a '{"refs": ["acme"], "user_id": "aaaaaaaa-0000-4000-8000-000000000001", "role": "tenant_admin", "request_id": "t49"}'
\set carol_a '{"refs": ["acme"], "user_id": "cccccccc-0000-4000-8000-000000000149", "role": "member", "request_id": "t49"}'
\set ops_a '{"refs": ["acme"], "role": "super_admin", "subject": "tests-operator", "request_id": "t49"}'
\set alice_hash 'scrypt$15$8$1$YWxpY2Utc2FsdC0wMQ$YWxpY2Uta2V5LWluLWEtMDEyMzQ1Njc4OWFiY2RlZg'
begin;
select plan(61);
select tests.share_tap_with('tenantd_app');
select tests.share_tap_with('tenantd_worker');
select tests.seed_two_tenants();
select tests.create_user('carol149@acme.test', :'carol');
select tests.add_member(:'ta', :'carol', 'member');
update tenantd.tenants set plan = 'free' where id = :'ta';
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
-- a day relative to today (UTC)
create function pg_temp.d(p_days_ago int) returns date language sql stable as
  $$ select (now() at time zone 'UTC')::date - p_days_ago $$;
grant execute on function pg_temp.d(int) to tenantd_app;
-- one metric's entry of GET /v1/usage
create function pg_temp.entry(p_body json, p_metric text) returns jsonb language sql immutable as
  $$ select e from jsonb_array_elements(p_body::jsonb -> 'data') e where e ->> 'metric' = p_metric $$;
grant execute on function pg_temp.entry(json, text) to tenantd_app;

-- history: A and B each have days of api_calls and of an app meter; a month ago does not count
insert into tenantd.usage_daily (tenant_id, metric, day, value)
select :'ta'::uuid, 'api_calls', pg_temp.d(i), 10 * (i + 1) from generate_series(0, 20) i
union all select :'tb', 'api_calls', pg_temp.d(i), 100000 from generate_series(0, 20) i
union all select :'ta', 'transactions', pg_temp.d(0), 5
union all select :'ta', 'transactions', pg_temp.d(1), 4
union all select :'ta', 'transactions', pg_temp.d(7), 2
union all select :'ta', 'transactions', (date_trunc('month', now() at time zone 'UTC') - interval '1 month')::date, 1000
union all select :'tb', 'globex_meter', pg_temp.d(0), 77;

-- ---------------------------------------------------------------- the daily sample
select count(*)::int as live_tenants from tenantd.tenants where deleted_at is null \gset
select tests.act_as(null, null, null);
set local role tenantd_worker;
select is(tenantd.snapshot_usage(pg_temp.d(0)), :live_tenants, 'every live tenant sampled');
reset role;
select is((select value from tenantd.usage_daily where tenant_id = :'ta' and metric = 'users_count' and day = pg_temp.d(0)),
          2::bigint, 'users_count: alice and carol');
select is((select value from tenantd.usage_daily where tenant_id = :'ta' and metric = 'storage_rows' and day = pg_temp.d(0)),
          (select sum(n)::bigint from (
             select count(*) n from tenantd.memberships where tenant_id = :'ta' union all
             select count(*) from tenantd.sessions where tenant_id = :'ta' union all
             select count(*) from tenantd.audit_log where tenant_id = :'ta' union all
             select count(*) from tenantd.roles where tenant_id = :'ta' union all
             select count(*) from tenantd.onboarding_steps where tenant_id = :'ta' union all
             select count(*) from tenantd.tenant_configs where tenant_id = :'ta' union all
             select count(*) from tenantd.role_permissions where tenant_id = :'ta' union all
             select count(*) from tenantd.usage_daily where tenant_id = :'ta' and not (metric in ('users_count', 'storage_rows', 'storage_bytes') and day = pg_temp.d(0)) union all
             select count(*) from tenantd.quota_counters where tenant_id = :'ta' union all
             select count(*) from tenantd.invitations where tenant_id = :'ta' union all
             select count(*) from tenantd.domains where tenant_id = :'ta' union all
             select count(*) from tenantd.login_attempts where tenant_id = :'ta' union all
             select count(*) from tenantd.usage_events where tenant_id = :'ta' union all
             select count(*) from tenantd.entitlement_overrides where tenant_id = :'ta' union all
             select count(*) from tenantd.tenant_signups where tenant_id = :'ta' union all
             select count(*) from tenantd.allowed_origins where tenant_id = :'ta' union all
             select count(*) from tenantd.api_keys where tenant_id = :'ta' union all
             select count(*) from tenantd.tenant_data_keys where tenant_id = :'ta' union all
             select count(*) from tenantd.events where tenant_id = :'ta') c),
          'storage_rows: every row with the tenant''s id, in every tenant table (the sample''s own rows excepted)');
select cmp_ok((select value from tenantd.usage_daily where tenant_id = :'ta' and metric = 'storage_bytes' and day = pg_temp.d(0)),
              '>', (select value * 24 from tenantd.usage_daily where tenant_id = :'ta' and metric = 'storage_rows' and day = pg_temp.d(0)),
              'storage_bytes: more than a tuple header per row');
-- a tenant with much more data has a larger estimate: B gets 2000 audit rows
insert into tenantd.audit_log (tenant_id, action, details)
select :'tb', 'bulk', jsonb_build_object('note', repeat('x', 200)) from generate_series(1, 2000);
select tests.act_as(null, null, null);
set local role tenantd_worker;
select lives_ok(format('select tenantd.snapshot_usage(%L)', pg_temp.d(0)), 'the sample again, the same day');
reset role;
select is((select count(*)::int from tenantd.usage_daily where tenant_id = :'ta' and metric = 'users_count' and day = pg_temp.d(0)),
          1, 'a repeated sample replaces the day''s value, it does not add a row');
select is((select value from tenantd.usage_daily where tenant_id = :'ta' and metric = 'users_count' and day = pg_temp.d(0)),
          2::bigint, '… nor adds to it');
select cmp_ok((select value from tenantd.usage_daily where tenant_id = :'tb' and metric = 'storage_bytes' and day = pg_temp.d(0)),
              '>', 2000 * 200::bigint, 'B''s 2000 audit rows of 200+ bytes are in its estimate');
select cmp_ok((select value from tenantd.usage_daily where tenant_id = :'ta' and metric = 'storage_bytes' and day = pg_temp.d(0)),
              '<', 100000::bigint, 'and not in A''s');
-- the estimate from the statistics once ANALYZE has run (reltuples known), for tables of at
-- least 1000 rows here (the default, 10000, leaves every table of a test database measured)
analyze tenantd.audit_log;
select tests.act_as(null, null, null);
set local role tenantd_worker;
select lives_ok(format('select tenantd.snapshot_usage(%L, 1000)', pg_temp.d(0)), 'the sample with table statistics');
select is(current_setting('app.tenant_id'), '', 'the worker''s context is restored (no tenant)');
reset role;
select cmp_ok((select value from tenantd.usage_daily where tenant_id = :'tb' and metric = 'storage_bytes' and day = pg_temp.d(0)),
              '>', 2000 * 200::bigint, 'with statistics: B''s share of a table of 2000 wide rows');
select cmp_ok((select value from tenantd.usage_daily where tenant_id = :'ta' and metric = 'storage_bytes' and day = pg_temp.d(0)),
              '<', 100000::bigint, '… and A''s share stays the few rows it has');
-- a deleted tenant is not sampled
update tenantd.tenants set deleted_at = now(), status = 'inactive' where id = :'tb';
select tests.act_as(null, null, null);
set local role tenantd_worker;
select lives_ok(format('select tenantd.snapshot_usage(%L)', pg_temp.d(1)), 'yesterday''s sample, B deleted');
reset role;
select is((select count(*)::int from tenantd.usage_daily where tenant_id = :'tb' and day = pg_temp.d(1) and metric = 'users_count'),
          0, 'a deleted tenant gets no sample');
update tenantd.tenants set deleted_at = null, status = 'active' where id = :'tb';

-- ---------------------------------------------------------------- GET /v1/usage
set local role tenantd_app;
select is((api.get_usage(:'alice_a')).status, 200, 'GET /v1/usage');
select is((api.get_usage(:'alice_a')).body::jsonb - 'data',
          jsonb_build_object('tenant_id', :'ta', 'period', to_char(now() at time zone 'UTC', 'YYYY-MM'),
                             'starts_at', tenantd.rfc3339((tenantd.quota_period(now())).starts_at),
                             'resets_at', tenantd.rfc3339((tenantd.quota_period(now())).resets_at)),
          '… the current period: the UTC month');
select is(pg_temp.entry((api.get_usage(:'alice_a')).body, 'api_calls'),
          jsonb_build_object('metric', 'api_calls', 'kind', 'counter',
                             'value', (select sum(value) from tenantd.usage_daily where tenant_id = :'ta' and metric = 'api_calls'
                                          and day >= date_trunc('month', now() at time zone 'UTC')::date),
                             'limit', null, 'resets_at', tenantd.rfc3339((tenantd.quota_period(now())).resets_at), 'as_of', null),
          'api_calls: the month''s sum, resetting with the month');
select is((pg_temp.entry((api.get_usage(:'alice_a')).body, 'transactions') ->> 'value')::bigint,
          (select sum(value)::bigint from tenantd.usage_daily where tenant_id = :'ta' and metric = 'transactions'
              and day >= date_trunc('month', now() at time zone 'UTC')::date),
          'an app meter: this month''s sum (last month''s 1000 not in it)');
select is(pg_temp.entry((api.get_usage(:'alice_a')).body, 'users_count'),
          jsonb_build_object('metric', 'users_count', 'kind', 'gauge', 'value', 2, 'limit', null,
                             'resets_at', null, 'as_of', pg_temp.d(0)),
          'users_count: the latest sample and its day');
select is(pg_temp.entry((api.get_usage(:'alice_a')).body, 'members'),
          '{"metric": "members", "kind": "current_quota", "value": 2, "limit": 5, "resets_at": null, "as_of": null}'::jsonb,
          'members: the live count against the free plan''s limit');
select is(pg_temp.entry((api.get_usage(:'alice_a')).body, 'invitations_per_month') - 'resets_at',
          '{"metric": "invitations_per_month", "kind": "monthly_quota", "value": 0, "limit": 20, "as_of": null}'::jsonb,
          'a monthly quota: this month''s counter and its limit');
select is(pg_temp.entry((api.get_usage(:'alice_a')).body, 'sessions') ->> 'limit', '10', 'sessions: the plan''s max_sessions');
select is(pg_temp.entry((api.get_usage(:'alice_a')).body, 'globex_meter'), null, 'nothing of B''s meters');
select is((api.get_usage(:'carol_a')).status, 200, 'a member (usage:read) reads usage');
select is((api.get_usage(:'ops_a')).body::jsonb ->> 'tenant_id', :'ta', 'an operator naming the tenant reads it');
select throws_ok($$select api.get_usage('{"refs": ["acme"], "role": "member", "request_id": "t49"}')$$, null, null,
                 'no principal: refused');
select tests.act_as(:'ta', :'alice', 'no_such_role');
select throws_ok($$select tenantd.require_permission('usage:read', 'reading usage')$$, 'TD403',
                 'reading usage needs the usage:read permission', 'a role without usage:read: refused');

-- ---------------------------------------------------------------- GET /v1/usage/daily
select is((api.get_usage_daily(:'alice_a', 'transactions', pg_temp.d(2)::text, pg_temp.d(0)::text)).body::jsonb -> 'data',
          jsonb_build_array(jsonb_build_object('day', pg_temp.d(2), 'metric', 'transactions', 'value', 0),
                            jsonb_build_object('day', pg_temp.d(1), 'metric', 'transactions', 'value', 4),
                            jsonb_build_object('day', pg_temp.d(0), 'metric', 'transactions', 'value', 5)),
          'one metric: every day of the range, 0 where nothing was counted');
select is((api.get_usage_daily(:'alice_a', 'users_count', pg_temp.d(1)::text, pg_temp.d(0)::text)).body::jsonb -> 'data',
          jsonb_build_array(jsonb_build_object('day', pg_temp.d(1), 'metric', 'users_count', 'value', 2),
                            jsonb_build_object('day', pg_temp.d(0), 'metric', 'users_count', 'value', 2)),
          'a gauge: its samples');
select is((api.get_usage_daily(:'alice_a', 'storage_rows', pg_temp.d(3)::text, pg_temp.d(3)::text)).body::jsonb -> 'data' -> 0 -> 'value',
          'null'::jsonb, 'a gauge''s day without a sample is null, not 0');
select is(jsonb_array_length((api.get_usage_daily(:'alice_a', 'api_calls', null, null)).body::jsonb -> 'data'), 30,
          'defaults: the last 30 days up to today');
select is((select count(*)::int from jsonb_array_elements((api.get_usage_daily(:'alice_a', null, pg_temp.d(0)::text, pg_temp.d(0)::text)).body::jsonb -> 'data') e
            where e ->> 'metric' in ('api_calls', 'transactions', 'users_count', 'storage_rows', 'storage_bytes')), 5,
          'no metric: every metric of the day');
select is((select count(*)::int from jsonb_array_elements((api.get_usage_daily(:'alice_a', null, pg_temp.d(30)::text, pg_temp.d(0)::text)).body::jsonb -> 'data') e
            where e::text ~ 'globex'), 0, '… none of B''s');
select throws_ok(format($$select api.get_usage_daily(%L, 'api_calls', %L, %L)$$, :'alice_a', d1, d2), code, null, why)
  from (values ('2026-02-30', null, 'TDB10', 'an impossible date: invalid_date'),
               ('2026-2-3', null, 'TDB10', 'a date not written YYYY-MM-DD'),
               ('today', null, 'TDB10', 'a word PostgreSQL would read as a date'),
               (null, '2026-12-01T00:00:00Z', 'TDB10', 'a timestamp as to'),
               ('2026-05-02', '2026-05-01', 'TDB05', 'from after to: invalid_time_range'),
               ('2025-01-01', '2026-01-02', 'TDB05', 'more than 366 days')) t (d1, d2, code, why);
select throws_ok(format($$select api.get_usage_daily(%L, null, '2026-01-01', '2026-02-01')$$, :'alice_a'), 'TDB05',
                 'at most 31 days per request without a metric (366 with one)', 'no metric: at most 31 days');
select throws_ok(format($$select api.get_usage_daily(%L, 'API_CALLS', null, null)$$, :'alice_a'), 'TDB09', null,
                 'a metric that is no lower-case name: invalid_metric');
select is((api.get_usage_daily(:'alice_a', 'api_calls', '2025-01-01', '2025-12-31')).status, 200, '365 days of one metric');

-- ---------------------------------------------------------------- GET /v1/usage/trends
select is((api.get_usage_trends(:'alice_a', 'transactions', 2)).body::jsonb -> 'data',
          jsonb_build_array(
            jsonb_build_object('day', pg_temp.d(1), 'value', 4,
                               'day_over_day', '{"previous": 0, "change": 4, "change_pct": null}'::jsonb,
                               'week_over_week', '{"previous": 0, "change": 4, "change_pct": null}'::jsonb),
            jsonb_build_object('day', pg_temp.d(0), 'value', 5,
                               'day_over_day', '{"previous": 4, "change": 1, "change_pct": 25.00}'::jsonb,
                               'week_over_week', '{"previous": 2, "change": 3, "change_pct": 150.00}'::jsonb)),
          'per day: the change against the day before and 7 days before (percent from a previous of 0 is null)');
select is((api.get_usage_trends(:'alice_a', 'transactions', 2)).body::jsonb -> 'summary',
          '{"current": 9, "previous": 0, "change": 9, "change_pct": null}'::jsonb,
          'summary of a counter: the window''s total against the window before');
select is((api.get_usage_trends(:'alice_a', 'api_calls', 1)).body::jsonb -> 'summary',
          '{"current": 10, "previous": 20, "change": -10, "change_pct": -50.00}'::jsonb,
          'one day: today against yesterday');
select is((api.get_usage_trends(:'alice_a', 'users_count', 1)).body::jsonb -> 'summary',
          '{"current": 2, "previous": 2, "change": 0, "change_pct": 0.00}'::jsonb,
          'a gauge: its latest sample against the previous window''s latest');
select is((api.get_usage_trends(:'alice_a', 'users_count', 3)).body::jsonb -> 'data' -> 0 -> 'value', 'null'::jsonb,
          'a gauge''s day without a sample: null');
select is(jsonb_array_length((api.get_usage_trends(:'alice_a', 'api_calls', null)).body::jsonb -> 'data'), 7, 'days defaults to 7');
select throws_ok(format($$select api.get_usage_trends(%L, null, 7)$$, :'alice_a'), 'TDB09',
                 'metric is required, e.g. metric=api_calls', 'trends need a metric');
select throws_ok(format($$select api.get_usage_trends(%L, 'api_calls', %s)$$, :'alice_a', n), 'TDB05', null,
                 format('days = %s: invalid_time_range', n))
  from unnest(array[0, 91, -1]) n;
select is((api.get_usage_trends(:'alice_a', 'globex_meter', 1)).body::jsonb -> 'summary' ->> 'current', '0',
          'B''s meter name in A: A''s (empty) series, nothing of B');

-- ---------------------------------------------------------------- the sessions quota on login
reset role;
update tenantd.memberships set password_hash = :'alice_hash' where tenant_id = :'ta' and user_id = :'alice';
insert into tenantd.entitlement_overrides (tenant_id, limits) values (:'ta', '{"sessions": 2}');
-- alice's seeded session is live; an expired and a revoked one hold nothing
insert into tenantd.sessions (tenant_id, user_id, refresh_token_hash, expires_at, revoked_at)
values (:'ta', :'alice', '\xaa49', now() - interval '1 second', null),
       (:'ta', :'alice', '\xaa50', now() + interval '1 day', now());
create temp table attempt (id uuid);
grant all on attempt to tenantd_app;
set local role tenantd_app;
select tests.act_as(null, null, null);
insert into attempt select attempt_id from tenantd.auth_login_begin('acme', 'alice@acme.test');
select is((select outcome from tenantd.auth_login_complete((select id from attempt), :'ta', :'alice_hash', sha256('s49-1'), 30)),
          'ok', 'a login within the sessions limit (1 live of 2)');
delete from attempt;
insert into attempt select attempt_id from tenantd.auth_login_begin('acme', 'alice@acme.test');
select throws_ok(format($$select * from tenantd.auth_login_complete(%L, %L, %L, sha256('s49-2'), 30)$$,
                        (select id from attempt), :'ta', :'alice_hash'),
                 'TDF07', 'the sessions quota of this tenant is used up (2 of 2)', 'a login over the limit: quota_exceeded');
select is(pg_temp.detail_of(format($$select * from tenantd.auth_login_complete(%L, %L, %L, sha256('s49-2'), 30)$$,
                                   (select id from attempt), :'ta', :'alice_hash')),
          '{"metric": "sessions", "limit": 2, "used": 2, "resets_at": null}'::jsonb,
          '… with metric, limit, used and resets_at null (a logout frees a place)');
reset role;
select is((select count(*)::int from tenantd.sessions where tenant_id = :'ta' and revoked_at is null and expires_at > now()),
          2, 'the refused login started no session');
-- a refresh replaces a session: not a new one
set local role tenantd_app;
select tests.act_as(null, null, null);
select is((select outcome from tenantd.auth_refresh(:'ta', sha256('s49-1'), sha256('s49-1r'), 30)), 'ok',
          'at the limit, a refresh still works (it replaces its session)');
select is(tenantd.auth_logout(:'ta', sha256('s49-1r')), true, 'a logout');
select is((select outcome from tenantd.auth_login_complete((select id from attempt), :'ta', :'alice_hash', sha256('s49-3'), 30)),
          'ok', 'frees a place: the same attempt now logs in');
reset role;

select * from finish();
rollback;
