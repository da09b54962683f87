-- api.create_tenant(ctx, name, slug, plan, description, metadata): POST /v1/tenants (super
-- admins). Creates the pending tenant (tenantd.create_tenant: slug rules, audit) and enqueues
-- its 'tenant.provision' job in the same transaction (issue 5 §3: the job preseeds it and moves
-- it pending → active), then answers 202 with the tenant, where to watch it (status_url) and
-- its Location. Honours Idempotency-Key: a replay answers the stored 202 and creates nothing.
-- Errors: those of tenantd.create_tenant (TD403, TDC12 slug_taken, TD422).
create or replace function api.create_tenant(
  ctx jsonb,
  p_name text,
  p_slug text,
  p_plan text,
  p_description text,
  p_metadata jsonb
) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_replay tenantd.reply;
  v_row tenantd.tenants;
begin
  perform tenantd.enter(ctx);
  v_replay := tenantd.idempotent_replay(ctx);
  if v_replay is not null then
    return v_replay;
  end if;
  v_row := tenantd.create_tenant(p_name, p_slug, p_plan, p_description, p_metadata);
  perform tenantd.request_provisioning(v_row.id);
  return tenantd.idempotent_store(ctx, tenantd.reply(202,
    -- status_url appended to the tenant's object as text: json keeps the field order (jsonb's ||
    -- would sort the keys)
    (left(tenantd.tenant_json(v_row)::text, -1) || ', "status_url" : '
       || to_json('/v1/tenant-status/' || v_row.id)::text || '}')::json,
    json_build_object('Location', '/v1/tenants/' || v_row.id)));
end
$$;

revoke all on function api.create_tenant(jsonb, text, text, text, text, jsonb) from public;
grant execute on function api.create_tenant(jsonb, text, text, text, text, jsonb) to tenantd_app;
