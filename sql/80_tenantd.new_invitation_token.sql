-- tenantd.new_invitation_token(): a fresh invitation token, 43 base64url characters holding
-- 256 bits. Made in the database so that the endpoint function can answer it (once) in the
-- same statement that stores only its SHA-256 (of the token's bytes, as auth::token_hash_hex
-- computes it for accepting): the token is never stored and never travels as a bind parameter,
-- where statement logging could catch it. gen_random_uuid() draws from pg_strong_random
-- (OpenSSL's generator in Debian's build); three version-4 uuids carry 366 random bits, and
-- SHA-256 of them spreads those over all 256 bits of the token.
create or replace function tenantd.new_invitation_token() returns text
language sql volatile parallel safe
as $$
  select pg_catalog.rtrim(pg_catalog.translate(pg_catalog.encode(pg_catalog.sha256(
           pg_catalog.uuid_send(pg_catalog.gen_random_uuid()) || pg_catalog.uuid_send(pg_catalog.gen_random_uuid())
           || pg_catalog.uuid_send(pg_catalog.gen_random_uuid())), 'base64'), E'+/\n', '-_'), '=')
$$;

revoke all on function tenantd.new_invitation_token() from public;
grant execute on function tenantd.new_invitation_token() to tenantd_app;
