-- tenantd.active_data_key(key_id, kek_id, wrapped_key): the current tenant's active data key
-- (id, kek_id, wrapped_key), after storing the given one as the active key when the tenant has
-- none yet (all three NULL: only read). The service makes the key and wraps it (the KEK never
-- reaches the database); two processes creating a tenant's first key at once both end with the
-- one that won the unique index tenant_data_keys_one_active. No row when there is no key.
-- Needs config:secrets (only who reads or writes secrets needs the key):
--   TD400 no tenant context      TD403 without config:secrets
-- Security invoker: the policies of tenant_data_keys apply.
create or replace function tenantd.active_data_key(p_key_id uuid, p_kek_id text, p_wrapped_key text)
returns table (id uuid, kek_id text, wrapped_key text)
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
#variable_conflict use_column
declare
  v_tenant uuid := tenantd.current_tenant_id();
begin
  if v_tenant is null then
    raise exception using errcode = 'TD400', message = 'no tenant context',
      hint = 'name the tenant in the path, the token or the tenant header';
  end if;
  if not tenantd.has_permission('config:secrets') then
    raise exception using errcode = 'TD403',
      message = 'the tenant''s data key is used for secrets only: it needs the config:secrets permission';
  end if;
  if p_key_id is not null then
    insert into tenantd.tenant_data_keys (tenant_id, id, kek_id, wrapped_key)
    values (v_tenant, p_key_id, p_kek_id, p_wrapped_key)
    on conflict (tenant_id) where state = 'active' do nothing;
  end if;
  return query
    select k.id, k.kek_id, k.wrapped_key
      from tenantd.tenant_data_keys k
     where k.tenant_id = v_tenant and k.state = 'active';
end
$$;

revoke all on function tenantd.active_data_key(uuid, text, text) from public;
grant execute on function tenantd.active_data_key(uuid, text, text) to tenantd_app;
