-- tenantd.signup_rate_hit(client_address, limit_per_minute): counts one sign-up attempt of this
-- client address in the current minute and says whether it may go on: 0 = allowed, otherwise
-- the seconds until the next minute starts (the Retry-After of the 429). Runs in its own short
-- transaction before the sign-up's (POST /v1/signup), so refused and failed attempts count too.
-- The counter lives in the database (tenantd.signup_attempts), so every tenantd process shares
-- one limit. Race: the primary key (client_address, minute) decides — concurrent hits are one
-- upsert each, serialised on that row, and each sees its own count.
-- SECURITY DEFINER: the app role has no grants on tenantd.signup_attempts.
create or replace function tenantd.signup_rate_hit(p_client_address text, p_limit integer)
returns integer
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_minute timestamptz := date_trunc('minute', now());
  v_count integer;
begin
  if p_limit is null or p_limit <= 0 then
    return 0;  -- no limit configured
  end if;
  -- A rate counter need not survive a crash, and every sign-up from one address queues on its
  -- row until this commit: do not make them all wait for a WAL flush too.
  perform set_config('synchronous_commit', 'off', true);
  insert into tenantd.signup_attempts as a (client_address, minute, attempts)
  values (left(coalesce(nullif(p_client_address, ''), 'unknown'), 100), v_minute, 1)
  on conflict (client_address, minute) do update set attempts = a.attempts + 1
  returning a.attempts into v_count;
  if v_count <= p_limit then
    return 0;
  end if;
  return greatest(1, ceil(extract(epoch from (v_minute + interval '1 minute' - now())))::integer);
end
$$;

revoke all on function tenantd.signup_rate_hit(text, integer) from public;
grant execute on function tenantd.signup_rate_hit(text, integer) to tenantd_app;
