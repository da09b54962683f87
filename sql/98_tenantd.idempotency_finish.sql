-- tenantd.idempotency_finish(scope, key, status, body): stores the answer to replay, in the
-- same transaction as the request's effect (see idempotency_begin).
--
-- SECURITY DEFINER: the app role has no grants on tenantd.idempotency_keys.
create or replace function tenantd.idempotency_finish(
  p_scope text, p_key text, p_status integer, p_body text
) returns void
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
begin
  update tenantd.idempotency_keys k
     set response_status = p_status, response_body = p_body
   where k.scope = p_scope and k.key = p_key;
  if not found then
    -- a bug in the caller, never the client's input: TD500 is an internal error
    raise exception using errcode = 'TD500',
      message = 'idempotency_finish without idempotency_begin for this key';
  end if;
end
$$;

revoke all on function tenantd.idempotency_finish(text, text, integer, text) from public;
grant execute on function tenantd.idempotency_finish(text, text, integer, text) to tenantd_app;
