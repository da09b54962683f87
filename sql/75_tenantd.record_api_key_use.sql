-- tenantd.record_api_key_use(uses): stamps last_used_at of the API keys a tenantd process saw
-- used, in one call per flush (src/http/api_key_use.hpp: at most every USAGE_FLUSH_SECONDS
-- and at shutdown), so that a request made with a key writes nothing. uses is a JSON array of
-- {"key_hash": 64 hex digits (SHA-256 of the key), "at": RFC 3339 time of the last use}; a hash
-- of no key, a revoked key, or a malformed entry is skipped. last_used_at only moves forward
-- (two processes flushing out of order cannot move it back). Rows are updated in key-hash order,
-- so two flushes at once cannot deadlock. Returns the number of keys stamped.
-- SECURITY DEFINER because one flush holds keys of many tenants and the key is found by its
-- hash, which no login role may read; executed by tenantd_worker (the service's worker pool)
-- only, and it writes last_used_at and nothing else.
create or replace function tenantd.record_api_key_use(p_uses jsonb) returns bigint
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_count bigint := 0;
  v_rows bigint;
  v_use record;
begin
  if jsonb_typeof(p_uses) is distinct from 'array' then
    return 0;
  end if;
  -- one UPDATE per key, in key-hash order (the order of the row locks); not one statement joining
  -- the uses: on Citus that join's intermediate result came back unreadable ("invalid input
  -- syntax for type uuid: \"PGCOPY\""), and last_used_at was never written there
  for v_use in
    select pg_catalog.decode(e.key_hash, 'hex') as key_hash, max(e.at::timestamptz) as at
      from jsonb_to_recordset(p_uses) as e(key_hash text, at text)
     where e.key_hash ~ '^[0-9a-f]{64}$'
       and e.at ~ '^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$'
     group by 1
     order by 1
  loop
    update tenantd.api_keys k
       set last_used_at = greatest(k.last_used_at, v_use.at)
     where k.key_hash = v_use.key_hash and k.revoked_at is null;
    get diagnostics v_rows = row_count;
    v_count := v_count + v_rows;
  end loop;
  return v_count;
end
$$;

revoke all on function tenantd.record_api_key_use(jsonb) from public;
grant execute on function tenantd.record_api_key_use(jsonb) to tenantd_worker;
