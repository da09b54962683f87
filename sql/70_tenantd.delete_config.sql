-- tenantd.delete_config(type, key): remove one configuration entry of the current tenant and write a
-- 'config.deleted' audit row in the same transaction.
-- Errors: TD400 no tenant context, invalid_config_type, invalid_config_key;
--         TD403 the caller lacks config:write (config:secrets for 'integrations');
--         TD404 config_not_found.
-- The permission is checked first so that a caller without it gets 403, not the 404 that the
-- delete policy's silence would otherwise produce. Security invoker: policies apply.
create or replace function tenantd.delete_config(p_type text, p_key text)
returns void
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_tenant uuid := tenantd.current_tenant_id();
  v_id uuid;
begin
  if v_tenant is null then
    raise exception using errcode = 'TD400', message = 'no tenant context',
      hint = 'name the tenant in the path, the token or the tenant header';
  end if;
  perform tenantd.check_config_address(p_type, coalesce(p_key, ''));
  if not tenantd.has_permission('config:write') then
    raise exception using errcode = 'TD403',
      message = 'changing configuration needs the config:write permission';
  end if;
  -- integration settings hold credentials: replacing or removing one needs config:secrets too
  if p_type = 'integrations' and not tenantd.has_permission('config:secrets') then
    raise exception using errcode = 'TD403',
      message = 'changing integrations configuration needs the config:secrets permission';
  end if;

  delete from tenantd.tenant_configs c
   where c.tenant_id = v_tenant and c.type = p_type and c.key = p_key
  returning c.id into v_id;
  if v_id is null then
    raise exception using errcode = 'TDN01',
      message = format('no %s configuration entry with this key', p_type);
  end if;

  insert into tenantd.audit_log (tenant_id, action, target_type, target_id, details)
  values (v_tenant, 'config.deleted', 'config', p_type || '/' || p_key,
          jsonb_build_object('type', p_type, 'key', p_key));
end
$$;

revoke all on function tenantd.delete_config(text, text) from public;
grant execute on function tenantd.delete_config(text, text) to tenantd_app;
