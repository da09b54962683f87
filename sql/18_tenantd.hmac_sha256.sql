-- tenantd.hmac_sha256(key, message): HMAC-SHA256 (RFC 2104) over PostgreSQL's built-in sha256(),
-- so that a token derived with a secret the caller presents can be checked inside the one
-- statement of its request without an extension (pgcrypto is not installed). Used by
-- tenantd.reveal_signup_token; the same function as util::hmac_sha256_raw in the service.
create or replace function tenantd.hmac_sha256(p_key bytea, p_message bytea) returns bytea
language plpgsql immutable strict parallel safe
set search_path = pg_catalog, pg_temp
as $$
declare
  v_key bytea := case when length(p_key) > 64 then sha256(p_key) else p_key end;
  v_inner bytea;
  v_outer bytea;
begin
  v_key := v_key || decode(repeat('00', 64 - length(v_key)), 'hex');
  v_inner := v_key;
  v_outer := v_key;
  for i in 0 .. 63 loop
    v_inner := set_byte(v_inner, i, get_byte(v_key, i) # 54);   -- 0x36
    v_outer := set_byte(v_outer, i, get_byte(v_key, i) # 92);   -- 0x5c
  end loop;
  return sha256(v_outer || sha256(v_inner || p_message));
end
$$;

revoke all on function tenantd.hmac_sha256(bytea, bytea) from public;
grant execute on function tenantd.hmac_sha256(bytea, bytea) to tenantd_app;
