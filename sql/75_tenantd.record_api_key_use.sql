-- tenantd.record_api_key_use(uses): stamps last_used_at of the API keys a tenantd process saw
-- used, in one statement per flush (src/http/api_key_use.hpp: at most every USAGE_FLUSH_SECONDS
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
  v_count bigint;
begin
  if jsonb_typeof(p_uses) is distinct from 'array' then
    return 0;
  end if;
  with uses as (
    select pg_catalog.decode(e.key_hash, 'hex') as key_hash, max(e.at::timestamptz) as at
      from jsonb_to_recordset(p_uses) as e(key_hash text, at text)
     where e.key_hash ~ '^[0-9a-f]{64}$'
       and e.at ~ '^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$'
     group by 1
  ), locked as (
    select k.tenant_id, k.id, u.at
      from tenantd.api_keys k join uses u on u.key_hash = k.key_hash
     where k.revoked_at is null
     order by k.key_hash
       for update of k
  )
  update tenantd.api_keys k
     set last_used_at = greatest(k.last_used_at, l.at)
    from locked l
   where k.tenant_id = l.tenant_id and k.id = l.id;
  get diagnostics v_count = row_count;
  return v_count;
end
$$;

revoke all on function tenantd.record_api_key_use(jsonb) from public;
grant execute on function tenantd.record_api_key_use(jsonb) to tenantd_worker;
