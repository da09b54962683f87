-- tenantd.api_key_reply_json(id, key): the answer for a key just made (create, rotate): the key
-- as tenantd.api_key_json shows it, plus the key itself, the one time it is ever shown. Reads
-- the row through the caller's policies (api_keys:manage).
create or replace function tenantd.api_key_reply_json(p_id uuid, p_key text) returns json
language plpgsql stable
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_json jsonb;
begin
  select tenantd.api_key_json(k.id, k.name, k.prefix, k.permissions, k.created_by, k.created_at,
                              k.expires_at, k.last_used_at, k.revoked_at, k.replaced_by)::jsonb
    into v_json
    from tenantd.api_keys k
   where k.tenant_id = tenantd.current_tenant_id() and k.id = p_id;
  return (v_json || jsonb_build_object('key', p_key))::json;
end
$$;

revoke all on function tenantd.api_key_reply_json(uuid, text) from public;
grant execute on function tenantd.api_key_reply_json(uuid, text) to tenantd_app;
