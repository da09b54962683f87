-- tenantd.rewrap_data_key(tenant, id, old_kek_id, old_wrapped, new_kek_id, new_wrapped): replaces
-- one data key's wrapped form, only if it is still the one the operator unwrapped (compare and
-- set: a concurrent rotation or a shredded key makes it a no-op). The data the key sealed is
-- not touched: the key itself is the same. True when the row changed.
create or replace function tenantd.rewrap_data_key(p_tenant uuid, p_id uuid, p_old_kek_id text,
                                                  p_old_wrapped text, p_new_kek_id text, p_new_wrapped text)
returns boolean
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
begin
  update tenantd.tenant_data_keys k
     set kek_id = p_new_kek_id, wrapped_key = p_new_wrapped
   where k.tenant_id = p_tenant and k.id = p_id
     and k.kek_id = p_old_kek_id and k.wrapped_key = p_old_wrapped;
  return found;
end
$$;

revoke all on function tenantd.rewrap_data_key(uuid, uuid, text, text, text, text) from public;
