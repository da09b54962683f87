-- tenantd.is_sealed_value(value): the value has the shape of a sealed secret, the envelope
-- {"sealed": "v1", "kid": …, "ct": …} tenantd writes for secret configuration (the database
-- cannot open it: the data key is wrapped by a KEK it never sees). The same test as the
-- constraint tenant_configs_integrations_sealed (0116_tenant_data_keys.sql).
create or replace function tenantd.is_sealed_value(p_value jsonb) returns boolean
language sql immutable parallel safe
as $$
  select coalesce(jsonb_typeof(p_value) = 'object'
                  and p_value ->> 'sealed' = 'v1'
                  and jsonb_typeof(p_value -> 'kid') = 'string'
                  and jsonb_typeof(p_value -> 'ct') = 'string', false)
$$;

revoke all on function tenantd.is_sealed_value(jsonb) from public;
grant execute on function tenantd.is_sealed_value(jsonb) to tenantd_app, tenantd_readonly;
