-- api.create_role(ctx, name, description, permissions): POST /v1/roles. Creates a
-- tenant-defined role (tenantd.create_role: the name, catalogue and escalation rules, the audit
-- row) and answers 201 with the role and its Location. The route needs roles:write (checked by
-- tenantd.enter; tenantd.create_role checks again for its direct callers).
-- Honours Idempotency-Key: a replay answers the stored 201 without creating the role again.
create or replace function api.create_role(ctx jsonb, p_name text, p_description text, p_permissions text[])
returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_replay tenantd.reply;
  v_id uuid;
begin
  perform tenantd.enter(ctx);
  v_replay := tenantd.idempotent_replay(ctx);
  if v_replay is not null then
    return v_replay;
  end if;
  v_id := tenantd.create_role(p_name, p_description, p_permissions);
  return tenantd.idempotent_store(ctx, tenantd.reply(201, tenantd.role_body(v_id),
                                                     json_build_object('Location', '/v1/roles/' || v_id)));
end
$$;

revoke all on function api.create_role(jsonb, text, text, text[]) from public;
grant execute on function api.create_role(jsonb, text, text, text[]) to tenantd_app;
