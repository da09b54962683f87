-- api.tenant_status(ctx, tenant, key): GET /v1/tenant-status/{id} (public): where a tenant is on
-- its way from sign-up to active (issue 5 §4): tenantd.tenant_status's fields only — no name,
-- slug or anything else. With the sign-up's Idempotency-Key (key, as the caller sent it, the
-- structured-field quotes off) the answer also shows the admin invitation token, once
-- (tenantd.reveal_signup_token). Cache-Control: no-store.
-- Errors: TDN05 tenant_not_found.
create or replace function api.tenant_status(ctx jsonb, p_tenant uuid, p_key text) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
begin
  perform tenantd.enter(ctx);
  return tenantd.reply(200, tenantd.tenant_status_json(p_tenant, p_key),
                       json_build_object('Cache-Control', 'no-store'));
end
$$;

revoke all on function api.tenant_status(jsonb, uuid, text) from public;
grant execute on function api.tenant_status(jsonb, uuid, text) to tenantd_app;
