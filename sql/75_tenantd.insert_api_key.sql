-- tenantd.insert_api_key(name, permissions, expires_at): makes a key in the current tenant for
-- the acting member, the one writer behind POST /v1/api-keys and rotation. Returns the new row's
-- id and the key itself, which exists nowhere else afterwards (only its SHA-256 is stored).
-- Refuses: TD403 when the caller is not a member acting as themself (an operator, another
-- key: a key's creator is the person whose rights it borrows), the refusals of
-- tenantd.check_api_key_permissions, TD422 for a name that is empty or too long or an expiry not
-- in the future. Quota and audit are the callers' (rotation consumes none).
-- Security invoker: the policies decide the insert (api_keys:manage, created_by = the caller).
create or replace function tenantd.insert_api_key(p_name text, p_permissions text[], p_expires_at timestamptz,
                                                  out id uuid, out key text, out permissions text[])
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_tenant uuid := tenantd.require_permission('api_keys:manage', 'managing API keys');
begin
  if tenantd.current_user_id() is null or tenantd.is_super_admin() then
    raise exception using errcode = 'TD403',
      message = 'API keys are made by members of the tenant, acting as themselves';
  end if;
  if p_name is null or length(btrim(p_name)) = 0 or length(p_name) > 100 or p_name ~ '[[:cntrl:]]' then
    raise exception using errcode = 'TD422', message = 'name must be 1 to 100 characters without control characters';
  end if;
  if p_expires_at is not null and p_expires_at <= pg_catalog.now() then
    raise exception using errcode = 'TD422', message = 'expires_at must be in the future';
  end if;
  permissions := tenantd.check_api_key_permissions(p_permissions);
  key := tenantd.new_api_key();
  insert into tenantd.api_keys as k (tenant_id, name, prefix, key_hash, permissions, created_by, expires_at)
  values (v_tenant, p_name, pg_catalog.left(key, 12),
          pg_catalog.sha256(pg_catalog.convert_to(key, 'UTF8')), permissions,
          tenantd.current_user_id(), p_expires_at)
  returning k.id into id;
end
$$;

revoke all on function tenantd.insert_api_key(text, text[], timestamptz) from public;
grant execute on function tenantd.insert_api_key(text, text[], timestamptz) to tenantd_app;
