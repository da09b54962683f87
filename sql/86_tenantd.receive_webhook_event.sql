-- tenantd.receive_webhook_event(id, type, payload): records one verified identity-provider
-- delivery (POST /v1/webhooks/identity) and, in the same transaction, enqueues the
-- 'webhook.process' job that applies it, so an event is never recorded without its job nor the
-- job queued for an event that was not recorded. Returns true for a new event, false for a
-- redelivery of a known id, which changes nothing (whatever its status).
--
-- Races: the primary key of webhook_events decides. Of concurrent deliveries of one id exactly
-- one insert succeeds; the others wait on it (ON CONFLICT DO NOTHING), then do nothing. The
-- job's dedupe key ('webhook:<id>') is a second guard while the job exists.
--
-- Types tenantd does not handle are recorded as completed and acknowledged: no job.
--
-- SECURITY DEFINER: the app role has no grants on tenantd.webhook_events (nor tenantd.jobs);
-- this is its only way in. search_path pinned, names schema-qualified.
create or replace function tenantd.receive_webhook_event(p_id text, p_type text, p_payload jsonb)
returns boolean
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_known boolean := p_type = any (tenantd.webhook_event_types());
  v_inserted text;
begin
  if p_id is null or length(p_id) not between 1 and 255 then
    raise exception using errcode = 'TDB04', message = 'webhook-id must be 1 to 255 characters';
  end if;
  if p_type is null or length(p_type) not between 1 and 200 then
    raise exception using errcode = 'TDB04', message = 'the event needs a "type"';
  end if;
  if p_payload is null or jsonb_typeof(p_payload) <> 'object' then
    raise exception using errcode = 'TDB04', message = 'the event must be a JSON object';
  end if;

  insert into tenantd.webhook_events as e (id, type, payload, status, processed_at)
  values (p_id, p_type, p_payload,
          case when v_known then 'processing' else 'completed' end,
          case when v_known then null else now() end)
  on conflict (id) do nothing
  returning e.id into v_inserted;
  if v_inserted is null then
    return false;
  end if;
  if v_known then
    perform tenantd.enqueue_job('webhook.process', jsonb_build_object('event_id', p_id), now(), 5,
                                'webhook:' || p_id);
  end if;
  return true;
end
$$;

-- worker-only (DESIGN §3): the app role must not be able to call it, even with abused SQL
revoke all on function tenantd.receive_webhook_event(text, text, jsonb) from public, tenantd_app;
grant execute on function tenantd.receive_webhook_event(text, text, jsonb) to tenantd_worker;
