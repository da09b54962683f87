-- tenantd.list_config(type): the current tenant's configuration entries, of one type or (type NULL)
-- of every type, ordered by type and key.
-- Row-level security decides what is visible (policies/tenant_configs.sql): feature flags for
-- every member, the other types with config:read or config:write, and 'integrations' (credentials)
-- only with config:secrets as well: the list of every type leaves them out for everybody else.
-- Asking for one of those types without the permission is refused outright rather than answered
-- with an empty list:
--   TD400 invalid_config_type      TD403 reading that type needs config:read (config:secrets)
-- Security invoker: the caller's policies apply.
create or replace function tenantd.list_config(p_type text)
returns setof tenantd.tenant_configs
language plpgsql stable
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_tenant uuid := tenantd.current_tenant_id();  -- a parameter: Citus routes to one shard
begin
  if p_type is not null then
    perform tenantd.check_config_address(p_type, null);
    if p_type <> 'features'
       and not (tenantd.has_permission('config:read') or tenantd.has_permission('config:write')) then
      raise exception using errcode = 'TD403',
        message = format('reading %s configuration needs the config:read permission', p_type);
    end if;
    -- integration settings hold credentials
    if p_type = 'integrations' and not tenantd.has_permission('config:secrets') then
      raise exception using errcode = 'TD403',
        message = 'reading integrations configuration needs the config:secrets permission';
    end if;
  end if;
  return query
    select c.*
      from tenantd.tenant_configs c
     where (p_type is null or c.type = p_type)
       and c.tenant_id = v_tenant
     order by c.type, c.key;
end
$$;

revoke all on function tenantd.list_config(text) from public;
grant execute on function tenantd.list_config(text) to tenantd_app, tenantd_readonly;
