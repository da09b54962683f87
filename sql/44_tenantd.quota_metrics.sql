-- tenantd.quota_metrics(): the metrics a quota can bound, the one list consume_quota, the
-- entitlements and the usage endpoints share. kind 'monthly': a counter per calendar month in
-- UTC (tenantd.quota_period), consumed by creates and never given back (an invitation sent
-- this month stays sent). kind 'current': what exists now, counted by tenantd.quota_used under
-- the metric's lock, so a delete frees a place without any bookkeeping.
-- 'domains' and 'api_keys' are consumed by the domain and API-key endpoints
-- (tenantd.consume_quota('domains') / ('api_keys') in their create functions).
-- 'sessions' (the plan's max_sessions): live sessions, consumed by every login
-- (tenantd.auth_login_complete starts a session family); a refresh replaces a session and a
-- logout or expiry frees one, so only a login is counted.
create or replace function tenantd.quota_metrics()
returns table (metric text, kind text)
language sql immutable parallel safe
as $$
  values ('members', 'current'),
         ('members_per_month', 'monthly'),
         ('invitations_per_month', 'monthly'),
         ('custom_roles', 'current'),
         ('domains', 'current'),
         ('api_keys', 'current'),
         ('sessions', 'current')
$$;

revoke all on function tenantd.quota_metrics() from public;
grant execute on function tenantd.quota_metrics() to tenantd_app, tenantd_readonly;
