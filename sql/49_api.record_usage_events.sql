-- api.record_usage_events(ctx, events, single): POST /v1/usage/events (and
-- /v1/tenants/{tenant}/usage/events), the SaaS application reports its own metered events
-- (tenantd.record_usage_events: validated, idempotent by event id, added to the daily usage in
-- this transaction). The body is one event ({id, metric, value, occurred_at}; single = true) or
-- {"events": [...]} with up to 100 (single = false); the handler passes the events as an array.
-- One event answers 201 with the event and "status": "recorded", or 200 with "status":
-- "duplicate" when its id was reported before with the same content. A batch answers 200
-- {"data": [one result per event, in order], "recorded": n, "duplicates": m}; it is recorded
-- as a whole or not at all.
create or replace function api.record_usage_events(ctx jsonb, p_events jsonb, p_single boolean)
returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_tenant uuid := tenantd.enter(ctx);
  v_results jsonb;
  v_recorded int;
begin
  if coalesce(p_single, false) and jsonb_typeof(p_events) = 'array' and jsonb_array_length(p_events) <> 1 then
    raise exception using errcode = 'TD400', message = 'a single event must be one JSON object';
  end if;
  v_results := tenantd.record_usage_events(p_events);
  if coalesce(p_single, false) then
    return tenantd.reply(case v_results -> 0 ->> 'status' when 'recorded' then 201 else 200 end,
                         (v_results -> 0)::json);
  end if;
  select count(*) filter (where r ->> 'status' = 'recorded') into v_recorded
    from jsonb_array_elements(v_results) r;
  return tenantd.reply(200, jsonb_build_object(
    'tenant_id', v_tenant,
    'data', v_results,
    'recorded', v_recorded,
    'duplicates', jsonb_array_length(v_results) - v_recorded)::json);
end
$$;

revoke all on function api.record_usage_events(jsonb, jsonb, boolean) from public;
grant execute on function api.record_usage_events(jsonb, jsonb, boolean) to tenantd_app;
