-- The database's part of /metrics and /readyz: counters and histograms the workers keep
-- (tenantd.observe_metric), heartbeats, and the aggregate readers. Attacks: the app role (what
-- an abused request could run) may neither write the counters nor read the tables behind them,
-- and what the readers answer names no tenant.
\set alice aaaaaaaa-0000-4000-8000-000000000001
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
begin;
select plan(25);
select tests.share_tap_with('tenantd_app');
select tests.share_tap_with('tenantd_worker');
select tests.seed_two_tenants();
delete from tenantd.metric_counters where name like 'tenantd_t91%';

-- a histogram: every bound counted cumulatively, +Inf, _sum and _count
set local role tenantd_worker;
select tenantd.observe_metric('tenantd_t91_seconds', '{"kind":"a"}', 0.3, array[0.1, 0.5, 1]);
select tenantd.observe_metric('tenantd_t91_seconds', '{"kind":"a"}', 2, array[0.1, 0.5, 1]);
select tenantd.observe_metric('tenantd_t91_seconds', '{"kind":"a"}', 0.05, array[0.1, 0.5, 1]);
select tenantd.observe_metric('tenantd_t91_total', '{"outcome":"x"}', 1);
select tenantd.observe_metric('tenantd_t91_total', '{"outcome":"x"}', 1);
reset role;

select results_eq(
  $$select labels ->> 'le', value from tenantd.metric_counters
     where name = 'tenantd_t91_seconds_bucket' and labels ->> 'kind' = 'a'
     order by case labels ->> 'le' when '+Inf' then 'Infinity'::float8 else (labels ->> 'le')::float8 end$$,
  $$values ('0.1', 1::float8), ('0.5', 2), ('1', 2), ('+Inf', 3)$$,
  'histogram buckets are cumulative, with +Inf');
select is((select value from tenantd.metric_counters where name = 'tenantd_t91_seconds_count'), 3::float8, '_count');
select ok(abs((select value from tenantd.metric_counters where name = 'tenantd_t91_seconds_sum') - 2.35) < 1e-9, '_sum');
select is((select value from tenantd.metric_counters where name = 'tenantd_t91_total'), 2::float8, 'a counter adds up');

-- counters never go down, and take only finite numbers
set local role tenantd_worker;
select throws_ok($$select tenantd.observe_metric('tenantd_t91_total', '{"outcome":"x"}', -5)$$, 'TD400', null,
                 'a negative observation is refused');
select throws_ok($$select tenantd.observe_metric('tenantd_t91_total', '{"outcome":"x"}', 'NaN')$$, 'TD400', null,
                 'NaN is refused');
select throws_ok($$select tenantd.observe_metric('tenantd_t91_total', '{"outcome":"x"}', 'Infinity')$$, 'TD400',
                 null, 'Infinity is refused');
select throws_ok($$select tenantd.observe_metric('bogus name', '{}', 1)$$, '23514', null,
                 'metric names are tenantd_ and snake case');
reset role;

-- the app role: no writes, no direct reads
set local role tenantd_app;
select tests.act_as(:'ta', :'alice', 'tenant_admin');
select throws_ok($$select tenantd.observe_metric('tenantd_t91_total', '{}', 1000)$$, '42501', null,
                 'the app role cannot write counters');
select throws_ok($$select tenantd.worker_heartbeat('forged:1:0', true)$$, '42501', null,
                 'the app role cannot forge a live worker');
select throws_ok($$select tenantd.observe_provisioning('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'failed', null)$$,
                 '42501', null, 'the app role cannot observe provisioning');
select throws_ok($$select * from tenantd.metric_counters$$, '42501', null, 'the app role cannot read the counters');
select throws_ok($$select * from tenantd.worker_heartbeats$$, '42501', null, 'nor the heartbeats');
select throws_ok($$update tenantd.metric_counters set value = 0$$, '42501', null, 'nor reset the counters');
reset role;
set local role tenantd_worker;
select throws_ok($$select * from tenantd.metric_counters$$, '42501', null, 'the worker role writes only through the function');
reset role;

-- heartbeats: alive, then a clean stop
set local role tenantd_worker;
select tenantd.worker_heartbeat('t91host:1:0', true);
reset role;
select is((select count(*)::int from tenantd.worker_heartbeats where worker_id = 't91host:1:0'), 1, 'a beat is recorded');
update tenantd.worker_heartbeats set seen_at = now() - interval '5 minutes' where worker_id = 't91host:1:0';
select ok((select workers_alive from tenantd.job_queue_health()) =
          (select count(*)::int from tenantd.worker_heartbeats where seen_at > now() - interval '60 seconds'),
          'a worker silent for 5 minutes is not alive');
set local role tenantd_worker;
select tenantd.worker_heartbeat('t91host:1:0', false);
reset role;
select is((select count(*)::int from tenantd.worker_heartbeats where worker_id = 't91host:1:0'), 0, 'a clean stop deletes it');

-- the oldest due job: a job waiting for its backoff is not late
delete from tenantd.jobs where state = 'queued';
insert into tenantd.jobs (kind, payload, run_at) values ('test.t91', jsonb_build_object('tenant_id', :'ta'), now() + interval '1 hour');
select is((select oldest_queued_seconds from tenantd.job_queue_health()), 0::float8, 'a job due later is not waiting');
insert into tenantd.jobs (kind, payload, run_at) values ('test.t91', jsonb_build_object('tenant_id', :'ta'), now() - interval '10 minutes');
select ok((select oldest_queued_seconds from tenantd.job_queue_health()) >= 600, 'a due job ten minutes old');

-- what the app role reads: aggregates by kind and state, no tenant id anywhere
set local role tenantd_app;
select tests.act_as(:'ta', :'alice', 'tenant_admin');
select is((select value from tenantd.metric_samples() where name = 'tenantd_jobs' and labels = '{"kind":"test.t91","state":"queued"}'),
          2::float8, 'queued jobs by kind and state');
select is((select count(*)::int from tenantd.metric_samples() s where s.labels::text like '%' || :'ta' || '%'
              or s.name like '%' || :'ta' || '%'), 0, 'no tenant id in any sample');
select is((select count(*)::int from tenantd.metric_samples() s, jsonb_object_keys(s.labels) k
            where k not in ('kind', 'state', 'outcome', 'type', 'le', 'metric')), 0,
          'labels are kinds, states, outcomes and types only');
reset role;

-- provisioning: counted only by the transaction that completed it
select tenantd.observe_provisioning(:'ta', 'completed', array[1, 10]);
select is((select count(*)::int from tenantd.metric_counters where name = 'tenantd_provisioning_duration_seconds_count'
             and labels = '{"outcome":"completed"}' and updated_at = now()), 0,
          'a tenant provisioned earlier is not counted again');
update tenantd.tenants set provisioning_completed_at = now() where id = :'ta';
select tenantd.observe_provisioning(:'ta', 'completed', array[1, 10]);
select is((select count(*)::int from tenantd.metric_counters where name = 'tenantd_provisioning_duration_seconds_count'
             and labels = '{"outcome":"completed"}' and updated_at = now()), 1,
          'the provisioning this transaction completed is counted');

select * from finish();
rollback;
