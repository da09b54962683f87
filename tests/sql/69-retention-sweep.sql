-- The retention sweep: tenantd.retention_step, run to the end as tenantd_worker with a batch of
-- 2 rows, deletes exactly the rows past each tenant's effective retention (its own setting, its
-- plan's default, clamped by its plan) from the four tables, in batches; every other row of
-- every tenant stays as it was (digest); the platform log gets one line per (tenant, table) with
-- the count removed (no contents) and one line for the sweep; the retention policies open only
-- in worker or owner sessions.
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set tb bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
\set tc cccccccc-cccc-4ccc-8ccc-cccccccccccc
\set alice aaaaaaaa-0000-4000-8000-000000000001
\set bob bbbbbbbb-0000-4000-8000-000000000001
begin;
select plan(18);
select tests.share_tap_with('tenantd_worker');
select tests.share_tap_with('tenantd_app');
select tests.seed_two_tenants();
select tests.create_tenant('initech', :'tc');
-- A: pro with its own settings (audit 100 days, sessions 30); B and C: free, plan defaults
-- (audit 90, invitations 30, sessions 7, usage events 90). A row of B's was chosen under
-- another plan: 300 days, clamped to free's 90.
update tenantd.tenants set plan = 'pro' where id = :'ta';
update tenantd.tenants set plan = 'free' where id in (:'tb', :'tc');
insert into tenantd.retention_settings (tenant_id, data, days)
values (:'ta', 'audit_log', 100), (:'ta', 'sessions', 30), (:'tb', 'audit_log', 300);

-- the rows the sweep must remove, by table and id
create temp table doomed (tbl text, id text);
grant select on doomed to tenantd_worker;
with a as (
  insert into tenantd.audit_log (tenant_id, action, at)
  select t, 'probe.' || age, now() - make_interval(days => age)
    from (values (:'ta'::uuid, 200), (:'ta', 200), (:'ta', 200), (:'ta', 95), (:'ta', 10),
                 (:'tb', 200), (:'tb', 200), (:'tb', 95), (:'tb', 95), (:'tb', 10),
                 (:'tc', 200), (:'tc', 10)) v (t, age)
  returning tenant_id, id, at)
insert into doomed select 'audit_log', id::text from a
 where at < now() - make_interval(days => case when tenant_id = :'ta' then 100 else 90 end);
with i as (
  insert into tenantd.invitations (tenant_id, email, role, token_hash, expires_at, status, accepted_at, revoked_at)
  select t, 'x' || n || '@probe.test', 'member', decode(md5('ret' || n) || md5('ret' || n), 'hex'),
         now() - make_interval(days => exp), st,
         case when st = 'accepted' then now() - make_interval(days => ended) end,
         case when st = 'revoked' then now() - make_interval(days => ended) end
    from (values (1, :'ta'::uuid, 'accepted', 100, 95, true),   -- pro default: 90 days
                 (2, :'ta', 'revoked', 100, 95, true),
                 (3, :'ta', 'pending', 100, 0, true),              -- expired while pending
                 (4, :'ta', 'pending', 10, 0, false),
                 (5, :'ta', 'accepted', 10, 5, false),
                 (6, :'ta', 'pending', -5, 0, false),              -- still valid
                 (7, :'tb', 'revoked', 40, 35, true),              -- free default: 30 days
                 (8, :'tb', 'accepted', 20, 20, false)) v (n, t, st, exp, ended, gone)
  returning tenant_id, id, email)
insert into doomed select 'invitations', id::text from i where email in ('x1@probe.test', 'x2@probe.test', 'x3@probe.test', 'x7@probe.test');
with s as (
  insert into tenantd.sessions (tenant_id, user_id, refresh_token_hash, expires_at, revoked_at)
  select t, u, decode(md5('rs' || n), 'hex'), now() + make_interval(days => exp), now() - make_interval(days => rev)
    from (values (1, :'ta'::uuid, :'alice'::uuid, -40, null::int),  -- A keeps 30 days
                 (2, :'ta', :'alice', -10, null),
                 (3, :'ta', :'alice', 5, 35),
                 (4, :'tb', :'bob', -10, null),                         -- free default: 7 days
                 (5, :'tb', :'bob', 5, 3)) v (n, t, u, exp, rev)
  returning tenant_id, id, expires_at, revoked_at)
insert into doomed select 'sessions', id::text from s
 where least(expires_at, coalesce(revoked_at, expires_at))
       < now() - make_interval(days => case when tenant_id = :'ta' then 30 else 7 end);
insert into tenantd.usage_events (tenant_id, id, metric, value, occurred_at)
values (:'ta', 'ret-1', 'probe', 1, now() - interval '400 days'), (:'ta', 'ret-2', 'probe', 1, now() - interval '30 days'),
       (:'tb', 'ret-3', 'probe', 1, now() - interval '100 days'), (:'tb', 'ret-4', 'probe', 1, now() - interval '30 days');
insert into doomed values ('usage_events', 'ret-1'), ('usage_events', 'ret-3');

select is((select count(*)::int from doomed), 17, 'seventeen rows are past their retention');

-- a digest of every row of the three tenants in every tenant table, except the doomed ones
create function pg_temp.digest() returns text language plpgsql volatile as $$
declare
  v_parts text[] := '{}';
  v_table regclass;
  v_part text;
begin
  for v_table in
    select c.oid::regclass from pg_class c
      join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
     where c.relnamespace = 'tenantd'::regnamespace and c.relkind = 'r' and c.relname <> 'events'
     order by c.relname
  loop
    execute format($q$select md5(coalesce(string_agg(t::text, ',' order by t::text), '')) from %s t
                      where tenant_id in (%L, %L, %L)
                        and not exists (select 1 from doomed d where d.tbl = %L and d.id = (to_jsonb(t) ->> 'id'))$q$,
                   v_table, 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb',
                   'cccccccc-cccc-4ccc-8ccc-cccccccccccc', (select c.relname from pg_class c where c.oid = v_table))
      into v_part;
    v_parts := v_parts || (v_table::text || ':' || v_part);
  end loop;
  return md5(array_to_string(v_parts, ';'));
end
$$;
select set_config('tests.digest_before', pg_temp.digest(), true);
select set_config('tests.log_before', coalesce(max(id), 0)::text, true) from tenantd.platform_log;

-- the sweep to the end, as the worker runs it (one step per job)
create function pg_temp.sweep(p_batch int) returns jsonb language plpgsql volatile as $$
declare
  v_state jsonb := jsonb_build_object('batch', p_batch);
  v_r jsonb;
  v_steps int := 0;
begin
  loop
    v_r := tenantd.retention_step(v_state);
    v_steps := v_steps + 1;
    if current_setting('tenantd.retention_tenant', true) <> '' then
      raise exception 'a step left its tenant set';
    end if;
    exit when (v_r ->> 'done')::boolean;
    v_state := v_r -> 'state';
    if v_steps > 100000 then raise exception 'the sweep does not end'; end if;
  end loop;
  return v_r || jsonb_build_object('steps', v_steps);
end
$$;

set local role tenantd_worker;
select throws_ok('delete from tenantd.audit_log', '42501', null, 'the worker cannot delete audit rows itself');
select set_config('tests.result', pg_temp.sweep(2)::text, true);
reset role;

select cmp_ok((current_setting('tests.result')::jsonb ->> 'steps')::int, '>=', 8,
              'two rows a step: the sweep took several steps (each one a job, committed on its own)');
select is((select count(*)::int from doomed d
            where exists (select 1 from tenantd.audit_log t where d.tbl = 'audit_log' and t.id::text = d.id)
               or exists (select 1 from tenantd.invitations t where d.tbl = 'invitations' and t.id::text = d.id)
               or exists (select 1 from tenantd.sessions t where d.tbl = 'sessions' and t.id::text = d.id)
               or exists (select 1 from tenantd.usage_events t where d.tbl = 'usage_events' and t.id = d.id)),
          0, 'every row past its retention is gone');
select is(pg_temp.digest(), current_setting('tests.digest_before'),
          'every other row of every tenant table of the three tenants is as it was');
select is((select count(*)::int from tenantd.audit_log where tenant_id = :'ta' and action = 'probe.95'), 1,
          'A keeps a 95-day-old audit row (its own setting: 100 days)');
select is((select count(*)::int from tenantd.audit_log where tenant_id = :'tb' and action = 'probe.95'), 0,
          'B loses its 95-day-old audit rows (its 300-day setting is clamped to free''s 90)');

-- the platform log: counts per tenant and table, never contents
create temp view swept as
  select tenant_id_text::uuid as tenant, details ->> 'table' as tbl, (details ->> 'deleted')::int as deleted,
         (details ->> 'batches')::int as batches, (details ->> 'retention_days')::int as days, details
    from tenantd.platform_log
   where id > current_setting('tests.log_before')::bigint and event = 'retention.swept'
     and tenant_id_text in (:'ta', :'tb', :'tc');
select set_eq('select tenant, tbl, deleted from swept',
              format($$values (%1$L::uuid, 'tenantd.audit_log', 3), (%1$L, 'tenantd.invitations', 3),
                              (%1$L, 'tenantd.sessions', 2), (%1$L, 'tenantd.usage_events', 1),
                              (%2$L, 'tenantd.audit_log', 4), (%2$L, 'tenantd.invitations', 1),
                              (%2$L, 'tenantd.sessions', 1), (%2$L, 'tenantd.usage_events', 1),
                              (%3$L, 'tenantd.audit_log', 1)$$, :'ta', :'tb', :'tc'),
              'one line per tenant and table that lost rows, with the count removed');
select is((select sum(deleted)::int from swept), (select count(*)::int from doomed), 'the counts add up to what went');
select is((select batches from swept where tenant = :'ta' and tbl = 'tenantd.audit_log'), 2,
          'A''s three audit rows went in two batches of at most two');
select is((select days from swept where tenant = :'ta' and tbl = 'tenantd.audit_log'), 100,
          'the line says which retention applied');
select is_empty($$select 1 from swept s, jsonb_object_keys(s.details) k
                   where k not in ('table', 'deleted', 'batches', 'retention_days', 'cutoff', 'sweep_started_at')$$,
                'the lines hold counts and dates, nothing of the rows');
select is((select count(*)::int from tenantd.platform_log
            where id > current_setting('tests.log_before')::bigint and event = 'retention.sweep'
              and (details ->> 'deleted')::bigint >= 17 and details ? 'batches' and details ? 'tenants'),
          1, 'the sweep itself gets one line with its totals');

-- the daily scheduling: one sweep per UTC day however often the workers ask
set local role tenantd_worker;
select is(tenantd.enqueue_retention_sweep(), tenantd.enqueue_retention_sweep(),
          'asking twice the same day queues one sweep');
reset role;
select is((select payload || jsonb_build_object('kind', kind) from tenantd.jobs
            where dedupe_key = 'retention.sweep:' || to_char(now() at time zone 'utc', 'YYYY-MM-DD')),
          '{"kind": "retention.sweep"}'::jsonb, 'today''s sweep starts from an empty state');

-- the retention policies open only for worker and owner sessions
create function pg_temp.checked() returns uuid language sql security definer as
  $$ select tenantd.retention_tenant_checked() $$;
grant execute on function pg_temp.checked() to tenantd_app, tenantd_worker;
select set_config('tenantd.retention_tenant', :'ta', true);
set local session authorization tenantd_app;
select is(pg_temp.checked(), null, 'an app-role session naming a tenant opens no retention policy');
select throws_ok('select tenantd.retention_tenant_id()', '42501', null, 'the app role cannot call the helper');
reset session authorization;
set local session authorization tenantd_worker;
select is(pg_temp.checked(), :'ta'::uuid, 'a worker session names the tenant it sweeps');
reset session authorization;

select * from finish();
rollback;
