-- Allowed origins: the browser origins (scheme://host[:port]) whose pages may call the API in a
-- tenant's name (CORS, src/http/cors.hpp). A table rather than a tenant_configs entry: the
-- preflight asks "is this exact origin allowed for this tenant?" before any context exists, and
-- a primary key on (tenant_id, origin) answers that with one index probe (tenantd.allowed_origin),
-- where a jsonb list would be read and searched whole; the check constraint keeps every row in
-- the one form a browser sends in its Origin header, whoever writes it (API or psql).
--
-- The origin is the row's identity (one row per origin and tenant), so the key is
-- (tenant_id, origin) and there is no separate id; tenant_id first, as Citus needs.
create table tenantd.allowed_origins (
  tenant_id uuid not null default tenantd.current_tenant_id() references tenantd.tenants (id),
  -- canonical form, as browsers serialise an origin: lower case, no path, no trailing slash, no
  -- wildcard, no default port; https, or http for loopback hosts only (local development).
  -- The service normalises (src/util/origin.hpp); the check repeats the shape.
  origin text not null check (length(origin) <= 300 and origin ~ (
    '^(https://[a-z0-9]([a-z0-9.-]*[a-z0-9])?|http://(localhost|([a-z0-9-]+\.)+localhost|127\.0\.0\.1|\[::1\]))'
    || '(:[1-9][0-9]{0,4})?$')
    and origin !~ '^https://[^/]*:443$' and origin !~ '^http://[^/]*:80$'),
  created_at timestamptz not null default now(),
  created_by uuid default tenantd.current_user_id(),
  primary key (tenant_id, origin)
);

-- born closed (see 0004_tenants.sql)
alter table tenantd.allowed_origins enable row level security;
alter table tenantd.allowed_origins force row level security;
