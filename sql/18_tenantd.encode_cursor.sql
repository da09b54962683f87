-- tenantd.encode_cursor(key): the opaque next_cursor of a list answer, base64url without
-- padding of the last row's key. The C++ layer decodes it (api/input.cpp decode_cursor) and
-- hands the key back as a typed parameter, so a forged cursor is at worst a key of the
-- caller's own choosing, which row-level security still filters.
create or replace function tenantd.encode_cursor(p_key text) returns text
language sql stable parallel safe
as $$
  select pg_catalog.rtrim(pg_catalog.translate(pg_catalog.encode(pg_catalog.convert_to(p_key, 'UTF8'), 'base64'),
                                               E'+/\n', '-_'), '=')
$$;

revoke all on function tenantd.encode_cursor(text) from public;
grant execute on function tenantd.encode_cursor(text) to tenantd_app, tenantd_readonly;
