-- tenantd.data_keys_to_rewrap(kek_id, after_tenant, after_id, limit): data keys of every tenant
-- NOT wrapped by `kek_id` (the new primary KEK), in (tenant_id, id) order after the given pair,
-- for `tenantd keys rotate-kek`. Security invoker: only a member of tenantd_owner (the
-- operator's connection) sees other tenants' keys, through the select_as_owner policy; anyone
-- else sees their own tenant's keys at most.
create or replace function tenantd.data_keys_to_rewrap(p_kek_id text, p_after_tenant uuid, p_after_id uuid,
                                                      p_limit integer)
returns table (tenant_id uuid, id uuid, kek_id text, wrapped_key text)
language plpgsql stable
as $$
begin
  -- plpgsql, not SQL: Citus cannot plan a parameterised SQL function over a distributed table
  return query
  select k.tenant_id, k.id, k.kek_id, k.wrapped_key
    from tenantd.tenant_data_keys k
   where k.kek_id <> p_kek_id
     and (p_after_tenant is null or (k.tenant_id, k.id) > (p_after_tenant, p_after_id))
   order by k.tenant_id, k.id
   limit least(greatest(coalesce(p_limit, 100), 1), 1000);
end
$$;

revoke all on function tenantd.data_keys_to_rewrap(text, uuid, uuid, integer) from public;
