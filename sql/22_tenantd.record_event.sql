-- tenantd.record_event(tenant, kind, data): one event of the live streams: a row in
-- tenantd.events (replay after a reconnect) and its JSON on channel 'tenantd_events', both in the
-- caller's transaction, so listeners hear it only if it commits. The process's one listener
-- connection fans it out (src/http/event_hub.cpp).
-- Security invoker and no EXECUTE for anyone: only the owner's trigger functions (sql/22_*) call
-- it; an app role that could call it could forge events. Every 256th event prunes rows past the
-- one-day retention, so the table stays small without a job of its own.
create or replace function tenantd.record_event(p_tenant uuid, p_kind text, p_data jsonb)
returns void
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_id bigint;
  v_at timestamptz;
  v_payload text;
begin
  insert into tenantd.events (tenant_id, kind, data)
  values (p_tenant, p_kind, p_data)
  returning id, created_at into v_id, v_at;
  v_payload := json_build_object('id', v_id, 'tenant_id', p_tenant, 'kind', p_kind, 'data', p_data,
                                 'at', tenantd.rfc3339(v_at))::text;
  -- NOTIFY payloads are limited to 8000 bytes; the data of these kinds is far smaller, but a
  -- listener must never miss the id (it can still replay the row)
  if octet_length(v_payload) > 7900 then
    v_payload := json_build_object('id', v_id, 'tenant_id', p_tenant, 'kind', p_kind,
                                   'data', json_build_object('truncated', true),
                                   'at', tenantd.rfc3339(v_at))::text;
  end if;
  perform pg_notify('tenantd_events', v_payload);
  if v_id % 256 = 0 then
    delete from tenantd.events e where e.created_at < now() - interval '1 day';
  end if;
end
$$;

revoke all on function tenantd.record_event(uuid, text, jsonb) from public;
