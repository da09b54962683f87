-- tenantd.reserved_slugs(): labels that belong to the platform and never to a tenant. A slug is
-- the {slug} of {slug}.BASE_DOMAIN and a path segment under /v1/tenants/, so this holds
-- infrastructure host names (www, api, mail, …) and every literal segment the API uses there
-- (stats). Keep it a superset of kReservedLabels in src/http/tenant_resolution.cpp.
create or replace function tenantd.reserved_slugs() returns text[]
language sql immutable parallel safe
as $$
  select array[
    'www', 'api', 'admin', 'app', 'status', 'mail',
    'stats', 'auth', 'login', 'logout', 'signup', 'register', 'account', 'accounts',
    'dashboard', 'console', 'portal', 'static', 'assets', 'cdn', 'media', 'files',
    'docs', 'help', 'support', 'billing', 'blog', 'dev', 'staging', 'test',
    'internal', 'system', 'root', 'tenantd', 'tenant', 'tenants', 'localhost',
    'ftp', 'smtp', 'imap', 'pop', 'pop3', 'ns', 'ns1', 'ns2', 'dns', 'mx',
    'webmail', 'autodiscover', 'autoconfig', 'metrics', 'healthz', 'readyz', 'v1'
  ]::text[]
$$;

revoke all on function tenantd.reserved_slugs() from public;
grant execute on function tenantd.reserved_slugs() to tenantd_app, tenantd_readonly;
