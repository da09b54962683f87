-- tenantd.check_config_address(type, key): raises unless `type` is a configuration type and
-- `key` (when not NULL) a valid key, with the problem codes the API answers:
--   TD400 invalid_config_type  type not one of general, auth, billing, features, integrations
--   TD400 invalid_config_key   key not 1–128 characters of [a-z0-9_.-]
-- The table's constraints (migration 0015) say the same; this gives callers a specific code
-- instead of a constraint name.
create or replace function tenantd.check_config_address(p_type text, p_key text)
returns void
language plpgsql immutable
set search_path = pg_catalog, pg_temp
as $$
begin
  if p_type is null or p_type not in ('general', 'auth', 'billing', 'features', 'integrations') then
    raise exception using errcode = 'TDB02',
      message = 'the configuration type must be one of general, auth, '
                'billing, features, integrations';
  end if;
  if p_key is not null and p_key !~ '^[a-z0-9_.-]{1,128}$' then
    raise exception using errcode = 'TDB01',
      message = 'a configuration key is 1 to 128 characters of a-z, 0-9, '
                '''_'', ''.'' and ''-''';
  end if;
end
$$;

revoke all on function tenantd.check_config_address(text, text) from public;
grant execute on function tenantd.check_config_address(text, text) to tenantd_app, tenantd_readonly;
