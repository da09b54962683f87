-- tenantd.record_usage_events(events): record app-defined metered events for the current tenant
-- and add them to its daily usage (tenantd.usage_daily, the UTC day each event occurred on), in
-- the caller's transaction. events is a JSON array of 1 to 100 objects
--   {"id": "evt_123", "metric": "transactions", "value": 3, "occurred_at": "2026-12-02T10:00:00Z"}
-- Idempotent by event id within the tenant: an id seen before (in an earlier call or earlier in
-- this array) with the same metric, value and instant is a duplicate and counts nothing; with
-- anything different it is TDC19 usage_event_conflict (409) and nothing of the call is kept.
-- Two concurrent calls with one id: the second waits on the primary key for the first to
-- commit, then finds its row (a duplicate or a conflict), so an event counts once, exactly.
-- Returns one object per event, in the order given: its fields and "status": "recorded" |
-- "duplicate".
--
-- Rules (each refusal TDV11 invalid_usage_event, 422, DETAIL {"index", "field"}):
--   id           1-128 of A-Z a-z 0-9 . _ : ~ - , starting with a letter or digit
--   metric       a lower-case name (^[a-z][a-z0-9_]{0,62}$), not one the service meters
--                (tenantd.usage_metrics) nor a quota metric (tenantd.quota_metrics)
--   value        an integer from 1 to 1000000000 (one event; larger amounts are several events)
--   occurred_at  RFC 3339; at most 5 minutes ahead of the database clock (clock skew) and at
--                most 7 days old: older days may already be billed, a report that late is an
--                application bug to look at, not usage to add silently
--   no other fields (a typo such as "ammount" must not pass unnoticed)
-- TD400 no tenant context · TD403 without usage:write · TDV06 too_many_entries (> 100).
--
-- Rows are written in id order and the day sums in (metric, day) order, so concurrent reports
-- that overlap cannot deadlock.
-- SECURITY DEFINER because tenantd.usage_daily has no write grant for any login role: a
-- compromised app role must not be able to lower what a tenant is billed, and with this as its
-- only way in it can only add usage through event rows it records. It acts in the caller's
-- tenant (app.tenant_id set by tenantd.enter) with the caller's permissions: the events'
-- insert policy requires usage:write, the day rows' policies the current tenant.
create or replace function tenantd.record_usage_events(p_events jsonb) returns jsonb
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_tenant uuid := tenantd.current_tenant_id();
  v_n int;
  v_i int;
  v_event jsonb;
  v_key text;
  v_ids text[] := '{}';
  v_metrics text[] := '{}';
  v_values bigint[] := '{}';
  v_times timestamptz[] := '{}';
  v_at timestamptz;
  v_new text[];
  v_conflict text;
  v_result jsonb;
begin
  if v_tenant is null then
    raise exception using errcode = 'TD400', message = 'no tenant context';
  end if;
  if not tenantd.has_permission('usage:write') then
    raise exception using errcode = 'TD403', message = 'reporting usage needs the usage:write permission';
  end if;
  if jsonb_typeof(p_events) is distinct from 'array' or jsonb_array_length(p_events) = 0 then
    raise exception using errcode = 'TDV11', message = 'events must be a non-empty JSON array of events',
      detail = jsonb_build_object('field', 'events')::text;
  end if;
  v_n := jsonb_array_length(p_events);
  if v_n > 100 then
    raise exception using errcode = 'TDV06',
      message = format('at most 100 events per request (got %s)', v_n);
  end if;

  for v_i in 0 .. v_n - 1 loop
    v_event := p_events -> v_i;
    if jsonb_typeof(v_event) is distinct from 'object' then
      raise exception using errcode = 'TDV11', message = format('event %s must be a JSON object', v_i),
        detail = jsonb_build_object('index', v_i, 'field', null)::text;
    end if;
    for v_key in select k from jsonb_object_keys(v_event) k loop
      if v_key not in ('id', 'metric', 'value', 'occurred_at') then
        raise exception using errcode = 'TDV11',
          message = format('event %s: unknown field %s (fields: id, metric, value, occurred_at)', v_i, left(v_key, 64)),
          detail = jsonb_build_object('index', v_i, 'field', left(v_key, 64))::text;
      end if;
    end loop;
    if jsonb_typeof(v_event -> 'id') is distinct from 'string'
       or (v_event ->> 'id') !~ '^[A-Za-z0-9][A-Za-z0-9._:~-]{0,127}$' then
      raise exception using errcode = 'TDV11',
        message = format('event %s: id must be 1 to 128 characters of A-Z, a-z, 0-9 and . _ : ~ -, starting with a letter or digit', v_i),
        detail = jsonb_build_object('index', v_i, 'field', 'id')::text;
    end if;
    if jsonb_typeof(v_event -> 'metric') is distinct from 'string'
       or (v_event ->> 'metric') !~ '^[a-z][a-z0-9_]{0,62}$' then
      raise exception using errcode = 'TDV11',
        message = format('event %s: metric must be a lower-case name (a-z first, then a-z, 0-9, _; at most 63)', v_i),
        detail = jsonb_build_object('index', v_i, 'field', 'metric')::text;
    end if;
    if (v_event ->> 'metric') in (select m.metric from tenantd.usage_metrics() m
                                  union all select q.metric from tenantd.quota_metrics() q) then
      raise exception using errcode = 'TDV11',
        message = format('event %s: %s is measured by the service itself and cannot be reported', v_i, v_event ->> 'metric'),
        detail = jsonb_build_object('index', v_i, 'field', 'metric')::text;
    end if;
    if jsonb_typeof(v_event -> 'value') is distinct from 'number'
       or (v_event ->> 'value') !~ '^[0-9]{1,10}$'
       or (v_event ->> 'value')::bigint not between 1 and 1000000000 then
      raise exception using errcode = 'TDV11',
        message = format('event %s: value must be an integer from 1 to 1000000000', v_i),
        detail = jsonb_build_object('index', v_i, 'field', 'value')::text;
    end if;
    if jsonb_typeof(v_event -> 'occurred_at') is distinct from 'string' then
      raise exception using errcode = 'TDV11',
        message = format('event %s: occurred_at must be an RFC 3339 timestamp such as 2024-05-01T12:00:00Z', v_i),
        detail = jsonb_build_object('index', v_i, 'field', 'occurred_at')::text;
    end if;
    begin
      v_at := tenantd.parse_rfc3339(v_event ->> 'occurred_at', 'occurred_at');
    exception when sqlstate 'TDB06' then
      v_at := null;
    end;
    if v_at is null then
      raise exception using errcode = 'TDV11',
        message = format('event %s: occurred_at must be an RFC 3339 timestamp such as 2024-05-01T12:00:00Z', v_i),
        detail = jsonb_build_object('index', v_i, 'field', 'occurred_at')::text;
    end if;
    if v_at > pg_catalog.statement_timestamp() + interval '5 minutes' then
      raise exception using errcode = 'TDV11',
        message = format('event %s: occurred_at is in the future (more than 5 minutes ahead)', v_i),
        detail = jsonb_build_object('index', v_i, 'field', 'occurred_at')::text;
    end if;
    if v_at < pg_catalog.statement_timestamp() - interval '7 days' then
      raise exception using errcode = 'TDV11',
        message = format('event %s: occurred_at is more than 7 days ago; late usage is not accepted', v_i),
        detail = jsonb_build_object('index', v_i, 'field', 'occurred_at')::text;
    end if;
    v_ids := v_ids || (v_event ->> 'id');
    v_metrics := v_metrics || (v_event ->> 'metric');
    v_values := v_values || (v_event ->> 'value')::bigint;
    v_times := v_times || v_at;
  end loop;

  -- the events: one insert, in id order; a repeated id (earlier or in this array) inserts nothing
  with inserted as (
    insert into tenantd.usage_events (tenant_id, id, metric, value, occurred_at, recorded_by)
    select v_tenant, e.id, e.metric, e.value, e.occurred_at, tenantd.current_user_id()
      from unnest(v_ids, v_metrics, v_values, v_times) with ordinality e (id, metric, value, occurred_at, ord)
     order by e.id, e.ord
    on conflict (tenant_id, id) do nothing
    returning id
  )
  select coalesce(array_agg(id), '{}') into v_new from inserted;

  -- the stored event of every id must be the one given (else the id is reused for another event)
  select e.id into v_conflict
    from unnest(v_ids, v_metrics, v_values, v_times) with ordinality e (id, metric, value, occurred_at, ord)
    join tenantd.usage_events u on u.tenant_id = v_tenant and u.id = e.id
   where (u.metric, u.value, u.occurred_at) is distinct from (e.metric, e.value, e.occurred_at)
   order by e.ord
   limit 1;
  if v_conflict is not null then
    raise exception using errcode = 'TDC19',
      message = format('event id %s was already reported with a different metric, value or occurred_at', v_conflict),
      detail = jsonb_build_object('id', v_conflict)::text;
  end if;

  -- the new events into the day sums, in (metric, day) order
  insert into tenantd.usage_daily as d (tenant_id, metric, day, value)
  select v_tenant, u.metric, (u.occurred_at at time zone 'UTC')::date, sum(u.value)
    from tenantd.usage_events u
   where u.tenant_id = v_tenant and u.id = any (v_new)
   group by 2, 3
   order by 2, 3
  on conflict (tenant_id, metric, day)
  do update set value = d.value + excluded.value, updated_at = pg_catalog.now();

  -- the answer: recorded for the first occurrence of an id this call inserted, else duplicate
  select jsonb_agg(jsonb_build_object(
           'id', e.id, 'metric', e.metric, 'value', e.value,
           'occurred_at', tenantd.rfc3339(e.occurred_at),
           'status', case when e.id = any (v_new) and e.ord = e.first_ord then 'recorded' else 'duplicate' end)
         order by e.ord)
    into v_result
    from (select x.*, min(x.ord) over (partition by x.id) as first_ord
            from unnest(v_ids, v_metrics, v_values, v_times) with ordinality x (id, metric, value, occurred_at, ord)) e;
  return v_result;
end
$$;

revoke all on function tenantd.record_usage_events(jsonb) from public;
grant execute on function tenantd.record_usage_events(jsonb) to tenantd_app;
