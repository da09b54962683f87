-- api.update_role(ctx, role_id, set_description, description, permissions): PATCH
-- /v1/roles/{id}. set_description false: the description is unchanged (true with NULL clears
-- it); NULL permissions: unchanged, otherwise the list replaces the role's permissions
-- (tenantd.update_role has the rules and writes the audit row). Answers the role as it is now.
-- The route needs roles:write.
create or replace function api.update_role(
  ctx jsonb,
  p_role_id uuid,
  p_set_description boolean,
  p_description text,
  p_permissions text[]
) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
begin
  perform tenantd.enter(ctx);
  perform tenantd.update_role(p_role_id, coalesce(p_set_description, false), p_description, p_permissions);
  return tenantd.reply(200, tenantd.role_body(p_role_id));
end
$$;

revoke all on function api.update_role(jsonb, uuid, boolean, text, text[]) from public;
grant execute on function api.update_role(jsonb, uuid, boolean, text, text[]) to tenantd_app;
