-- api.update_member(ctx, user_id, role, disabled, set_display_name, display_name): PATCH
-- /v1/users/{id}. NULL role / disabled: unchanged; set_display_name false: display name
-- unchanged (true with NULL clears it). Answers the member as it is now, or 204 when the caller
-- (without members:read, renaming someone else is refused anyway) can no longer see them.
create or replace function api.update_member(
  ctx jsonb,
  p_user_id uuid,
  p_role text,
  p_disabled boolean,
  p_set_display_name boolean,
  p_display_name text
) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_body json;
begin
  perform tenantd.enter(ctx);
  perform tenantd.update_member(p_user_id, p_role, p_disabled, coalesce(p_set_display_name, false), p_display_name);
  select tenantd.member_json(m.user_id, m.email, m.display_name, m.role, m.created_at, m.disabled or m.user_disabled) into v_body
    from tenantd.memberships m
   where m.user_id = p_user_id;
  if v_body is null then
    return tenantd.reply(204);
  end if;
  return tenantd.reply(200, v_body);
end
$$;

revoke all on function api.update_member(jsonb, uuid, text, boolean, boolean, text) from public;
grant execute on function api.update_member(jsonb, uuid, text, boolean, boolean, text) to tenantd_app;
