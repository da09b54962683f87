-- api.receive_webhook_event(ctx, id, type, payload): POST /v1/webhooks/identity after the
-- service verified the signature. tenantd.receive_webhook_event records the event once and
-- enqueues its 'webhook.process' job; the answer is 200 {id, type, duplicate}. Called on the
-- worker pool (tenantd_worker): receiving enqueues a job, which the app role may not do; hence
-- granted to tenantd_worker only. The context entered first carries the request id, route and
-- client address (no tenant: the event names none yet).
create or replace function api.receive_webhook_event(ctx jsonb, p_id text, p_type text, p_payload jsonb)
returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_created boolean;
begin
  perform tenantd.enter(ctx);
  v_created := tenantd.receive_webhook_event(p_id, p_type, p_payload);
  return tenantd.reply(200, (select row_to_json(x)
                               from (select p_id as id, p_type as type, not v_created as duplicate) x));
end
$$;

revoke all on function api.receive_webhook_event(jsonb, text, text, jsonb) from public;
grant execute on function api.receive_webhook_event(jsonb, text, text, jsonb) to tenantd_worker;
-- what the endpoint function needs beyond its own grant (the app role has them from their files)
grant execute on function tenantd.enter(jsonb) to tenantd_worker;
grant execute on function tenantd.enter_checked(jsonb) to tenantd_worker;
grant execute on function tenantd.reply(int, json, json) to tenantd_worker;
