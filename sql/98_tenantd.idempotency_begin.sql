-- tenantd.idempotency_begin(scope, key, fingerprint, ttl_seconds): the first statement after
-- enter_context of a request that carries an Idempotency-Key. Returns one row:
--   ('new', null, null)            first use: the caller goes on and calls idempotency_finish
--                                  before committing; the row commits with the effect
--   ('replay', status, body)       completed before with the same fingerprint: answer this
-- and raises
--   TD422 idempotency_key_reused   the key was used with a different method, path or body
--   TD409 idempotency_in_progress  a request with this key is still running
--
-- How "still running" is seen: the first request's row is inserted but uncommitted; a second
-- insert of the same key waits for that transaction, and lock_timeout turns the wait into a
-- refusal instead of a queue. Once the first commits, the key conflicts and is replayed; if it
-- rolled back (an error answer), the key is free again.
--
-- SECURITY DEFINER: the app role has no grants on tenantd.idempotency_keys.
create or replace function tenantd.idempotency_begin(
  p_scope text, p_key text, p_fingerprint text, p_ttl_seconds integer default 86400
) returns table (state text, response_status integer, response_body text)
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
#variable_conflict use_column
declare
  v_inserted boolean;
  v_row tenantd.idempotency_keys%rowtype;
begin
  perform set_config('lock_timeout', '200ms', true);
  begin
    insert into tenantd.idempotency_keys (scope, key, fingerprint, expires_at)
    values (p_scope, p_key, p_fingerprint, now() + make_interval(secs => p_ttl_seconds))
    on conflict (scope, key) do nothing;
    v_inserted := found;
  exception when lock_not_available then
    raise exception using errcode = 'TDC05',
      message = 'a request with this Idempotency-Key is still being processed';
  end;
  perform set_config('lock_timeout', '0', true);

  if v_inserted then
    return query select 'new'::text, null::integer, null::text;
    return;
  end if;

  select * into v_row from tenantd.idempotency_keys k where k.scope = p_scope and k.key = p_key;
  if v_row.expires_at < now() then
    -- an expired record the sweep has not removed yet: the key is usable again
    update tenantd.idempotency_keys k
       set fingerprint = p_fingerprint, response_status = null, response_body = null, created_at = now(),
           expires_at = now() + make_interval(secs => p_ttl_seconds)
     where k.scope = p_scope and k.key = p_key;
    return query select 'new'::text, null::integer, null::text;
    return;
  end if;
  if v_row.fingerprint <> p_fingerprint then
    raise exception using errcode = 'TDV02',
      message = 'this Idempotency-Key was used with a different request';
  end if;
  return query select 'replay'::text, v_row.response_status, v_row.response_body;
end
$$;

revoke all on function tenantd.idempotency_begin(text, text, text, integer) from public;
grant execute on function tenantd.idempotency_begin(text, text, text, integer) to tenantd_app;
