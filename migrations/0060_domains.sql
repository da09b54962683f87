-- Custom domains: a tenant claims a hostname, proves it with DNS (a TXT record holding the
-- claim's token and a CNAME to the tenant's target), and once verified, requests whose Host is
-- that hostname act in the tenant. Several tenants may claim the same hostname while pending;
-- the DNS decides who verifies first.
--
-- status: pending (claimed, polled), verified (routes), failed (polls ran out, or another
-- tenant verified it first: last_error 'domain_taken'), expired (the claim outlived its TTL
-- unverified), unverified (was verified; the daily re-check failed 3 times running: no longer
-- routes, still re-checked).
-- token is stored as it is: it is published in DNS by design, proves control of the zone only
-- together with the CNAME, and the tenant must be able to read it back to create the record.
create table tenantd.domains (
  tenant_id uuid not null default tenantd.current_tenant_id() references tenantd.tenants (id),
  id uuid not null default gen_random_uuid(),
  -- normalised by the service (lower case, IDNA A-labels, no trailing dot, no port, no
  -- wildcard); the check repeats the shape so psql cannot store something the service would not
  hostname text not null check (length(hostname) <= 253
    and hostname ~ '^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'),
  token text not null check (token ~ '^[A-Za-z0-9_-]{20,100}$'),
  cname_target text not null check (length(cname_target) between 1 and 253),
  status text not null default 'pending'
    check (status in ('pending', 'verified', 'failed', 'expired', 'unverified')),
  attempts int not null default 0 check (attempts >= 0),
  -- consecutive failed re-checks of a verified domain (3 make it unverified)
  recheck_failures int not null default 0 check (recheck_failures >= 0),
  last_checked_at timestamptz,
  last_error text,
  verified_at timestamptz,
  expires_at timestamptz not null,
  -- every claim, re-claim and "verify now" starts a new chain of check jobs with a new
  -- generation; a job of an older generation ends without scheduling a successor, so there is
  -- one live chain per domain however often a tenant asks
  check_generation int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  created_by uuid,
  primary key (tenant_id, id),
  -- one row per (tenant, hostname): a re-claim of the same hostname reuses the row, with a new token
  constraint domains_tenant_hostname_key unique (tenant_id, hostname)
);

-- The one owner of a verified hostname in the whole platform: this unique index decides when two
-- tenants verify the same hostname at the same time (the second update waits for the first
-- transaction and then fails with unique_violation, and that claim becomes failed/domain_taken).
-- It is also the index Host routing and the on-demand TLS "ask" look up.
create unique index domains_verified_hostname_key on tenantd.domains (hostname) where status = 'verified';

-- the other tenants' pending claims of a hostname, failed when one verifies
create index domains_hostname_idx on tenantd.domains (hostname);

-- GET /v1/domains: oldest first, (created_at, id) keyset
create index domains_tenant_id_created_idx on tenantd.domains (tenant_id, created_at, id);

-- born closed (see 0004_tenants.sql)
alter table tenantd.domains enable row level security;
alter table tenantd.domains force row level security;
