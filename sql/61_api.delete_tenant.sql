-- api.delete_tenant(ctx): DELETE /v1/tenants/{tenant} (super admins): soft deletion
-- (tenantd.transition_tenant to 'deleted': deleted_at set, the data kept, the audit row).
-- Answers 204.
-- Errors: TD403 not a super admin; TDC07 invalid_transition (already deleted).
create or replace function api.delete_tenant(ctx jsonb) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_tenant uuid := tenantd.enter(ctx);
begin
  perform tenantd.transition_tenant(v_tenant, 'deleted', null);
  return tenantd.reply(204);
end
$$;

revoke all on function api.delete_tenant(jsonb) from public;
grant execute on function api.delete_tenant(jsonb) to tenantd_app;
