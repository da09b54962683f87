-- tenantd.tenant_status_json(tenant, key): the body of both status routes (api.tenant_status,
-- api.own_tenant_status): tenantd.tenant_status's fields, and admin_invitation_token when `key`
-- is the sign-up's Idempotency-Key and the token is still waiting (tenantd.reveal_signup_token
-- shows it once). key NULL: never a token.
-- Errors: TDN05 tenant_not_found.
create or replace function tenantd.tenant_status_json(p_tenant uuid, p_key text) returns json
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_row record;
  v_token text;
  v_body json;
begin
  select * into v_row from tenantd.tenant_status(p_tenant);
  if p_key is not null and v_row.invitation_pending then
    v_token := tenantd.reveal_signup_token(p_tenant, p_key);
  end if;
  v_body := json_build_object(
    'tenant_id', v_row.tenant_id,
    'status', v_row.status,
    'provisioning_status', v_row.provisioning_status,
    'error_code', v_row.error_code,
    'attempts', v_row.attempts,
    'created_at', tenantd.rfc3339(v_row.created_at),
    'provisioning_started_at', tenantd.rfc3339(v_row.provisioning_started_at),
    'provisioning_completed_at', tenantd.rfc3339(v_row.provisioning_completed_at),
    'activated_at', tenantd.rfc3339(v_row.activated_at));
  if v_token is not null then
    -- appended as text: json keeps the field order
    v_body := (left(v_body::text, -1) || ', "admin_invitation_token" : ' || to_json(v_token)::text || '}')::json;
  end if;
  return v_body;
end
$$;

revoke all on function tenantd.tenant_status_json(uuid, text) from public;
grant execute on function tenantd.tenant_status_json(uuid, text) to tenantd_app;
