-- tenantd.data_key_lock(tenant, exclusive): the transaction-level advisory lock that orders
-- sealing against a tenant key rotation. A secret write (tenantd.put_config) takes it shared, so
-- any number of writers run together; the rotation job takes it exclusive, so no value sealed
-- under the old key can commit between the job reading the tenant's secrets and retiring that
-- key (such a value would then open with nothing). A writer that waited finds the new key
-- active and is refused with TDK01; the service asks for the key again.
create or replace function tenantd.data_key_lock(p_tenant uuid, p_exclusive boolean) returns void
language sql volatile
as $$
  select case when p_exclusive
              then pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('tenantd data key ' || p_tenant::text, 0))
              else pg_catalog.pg_advisory_xact_lock_shared(pg_catalog.hashtextextended('tenantd data key ' || p_tenant::text, 0))
         end
$$;

revoke all on function tenantd.data_key_lock(uuid, boolean) from public;
grant execute on function tenantd.data_key_lock(uuid, boolean) to tenantd_app;
