-- tenantd.quota_used(metric): how much of a 'current' metric (tenantd.quota_metrics) the current
-- tenant uses now: active memberships, custom (not built-in) roles, domains, API keys, live
-- sessions (not revoked, not expired: an access token outlives nothing here, a refresh token is
-- the session).
-- consume_quota calls it after taking the metric's counter row lock, so under READ COMMITTED
-- this statement's snapshot already includes every admission that held the lock before.
-- SECURITY DEFINER because the count must not depend on what the caller may read: an invitee
-- accepting an invitation (role member, no members:read) sees only their own membership, and
-- a count through their policies would admit past the limit (fail open). It counts rows of the
-- current tenant only (app.tenant_id, set by tenantd.enter) and returns a number, nothing else.
create or replace function tenantd.quota_used(p_metric text) returns bigint
language plpgsql stable security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_tenant uuid := tenantd.current_tenant_id();
  v_count bigint;
begin
  if v_tenant is null then
    return null;
  end if;
  case p_metric
    when 'members' then
      select count(*) into v_count from tenantd.memberships m
       where m.tenant_id = v_tenant and not m.disabled and not m.user_disabled;
    when 'custom_roles' then
      select count(*) into v_count from tenantd.roles r
       where r.tenant_id = v_tenant and not r.built_in;
    when 'domains' then
      -- failed and expired claims hold nothing (a re-claim starts them over)
      select count(*) into v_count from tenantd.domains d
       where d.tenant_id = v_tenant and d.status in ('pending', 'verified', 'unverified');
    when 'sessions' then
      select count(*) into v_count from tenantd.sessions s
       where s.tenant_id = v_tenant and s.revoked_at is null and s.expires_at > pg_catalog.now();
    when 'api_keys' then
      -- keys that still open the API: revoked and expired ones (a rotated key once its grace
      -- period is over) hold nothing
      select count(*) into v_count from tenantd.api_keys k
       where k.tenant_id = v_tenant and k.revoked_at is null
         and (k.expires_at is null or k.expires_at > pg_catalog.now());
    else
      return null;
  end case;
  return v_count;
end
$$;

revoke all on function tenantd.quota_used(text) from public;
grant execute on function tenantd.quota_used(text) to tenantd_app;
