-- api.delete_role(ctx, role_id): DELETE /v1/roles/{id}: deletes a tenant-defined role no member
-- has (tenantd.delete_role has the rules and writes the audit row). 204. The route needs
-- roles:write.
create or replace function api.delete_role(ctx jsonb, p_role_id uuid) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
begin
  perform tenantd.enter(ctx);
  perform tenantd.delete_role(p_role_id);
  return tenantd.reply(204);
end
$$;

revoke all on function api.delete_role(jsonb, uuid) from public;
grant execute on function api.delete_role(jsonb, uuid) to tenantd_app;
