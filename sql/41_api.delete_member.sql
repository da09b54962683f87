-- api.delete_member(ctx, user_id): DELETE /v1/users/{id}: removes the membership (the global
-- identity stays: it may belong to other tenants). 204.
create or replace function api.delete_member(ctx jsonb, p_user_id uuid) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
begin
  perform tenantd.enter(ctx);
  perform tenantd.delete_member(p_user_id);
  return tenantd.reply(204);
end
$$;

revoke all on function api.delete_member(jsonb, uuid) from public;
grant execute on function api.delete_member(jsonb, uuid) to tenantd_app;
