-- tenantd.check_email(email): the shape every stored address must have (something@domain.tld,
-- no spaces, at most 254 characters, RFC 5321's limit); raises TD422 otherwise. It does not
-- prove an address exists: invitations and sign-ups do that by delivery.
-- Immutable, security invoker.
create or replace function tenantd.check_email(p_email text)
returns void
language plpgsql immutable
set search_path = pg_catalog, tenantd, pg_temp
as $$
begin
  if p_email is null or length(p_email) > 254
     or p_email !~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' then
    raise exception using errcode = 'TD422',
      message = 'email must look like name@example.com and be at most 254 characters';
  end if;
end
$$;

revoke all on function tenantd.check_email(text) from public;
grant execute on function tenantd.check_email(text) to tenantd_app;
