-- tenantd.is_secret_config_type(type): configuration of this type holds credentials and is
-- stored sealed with the tenant's data key. The C++ side has the same list
-- (crypto::is_secret_config_type): it seals before the write and opens after the read.
create or replace function tenantd.is_secret_config_type(p_type text) returns boolean
language sql immutable parallel safe
as $$
  select p_type is not distinct from 'integrations'
$$;

revoke all on function tenantd.is_secret_config_type(text) from public;
grant execute on function tenantd.is_secret_config_type(text) to tenantd_app, tenantd_readonly;
