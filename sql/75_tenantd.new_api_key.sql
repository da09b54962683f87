-- tenantd.new_api_key(): a fresh API key, 'tdk_' + 8 + 43 base64url characters. The 43 at the
-- end are a tenantd.new_invitation_token(): 256 bits drawn through pg_strong_random (OpenSSL's
-- generator in Debian's build). The 8 after 'tdk_' come from a second such token and are the
-- key's public part: kept as api_keys.prefix and shown in lists, so they add nothing to the
-- secret (which stays 256 bits) and take nothing from it. Made in the database so that the
-- endpoint function answers it once in the statement that stores only its SHA-256: the key
-- never travels as a bind parameter, where statement logging could catch it.
-- plpgsql: the token function is defined later (sql/80), and a SQL function is checked when made.
create or replace function tenantd.new_api_key() returns text
language plpgsql volatile parallel safe
set search_path = pg_catalog, tenantd, pg_temp
as $$
begin
  return 'tdk_' || pg_catalog.left(tenantd.new_invitation_token(), 8) || tenantd.new_invitation_token();
end
$$;

revoke all on function tenantd.new_api_key() from public;
grant execute on function tenantd.new_api_key() to tenantd_app;
