-- Tenant data export: one row per export a tenant asked for (POST /v1/export). The
-- 'tenant.export' job writes the tar file (EXPORT_DIR/<tenant>/<id>.tar) and records its digest and the
-- row counts here; a download link's token is stored only as its SHA-256, with its expiry.
--
-- The export job reads the tenant's rows as tenantd_readonly (the DBAs' reporting role, bound by
-- row-level security to the tenant it names, and without the credential-hash columns), never as
-- the owner, whose policies see every tenant in some tables: the worker switches to it with
-- SET LOCAL ROLE for the reads. That needs membership; NOINHERIT keeps the worker's own
-- sessions without the reporting role's grants (it still reads nothing directly: 82-*.sql).
-- Both are cluster-wide role changes, hence the migrator's own CREATEROLE, as in 0039.
set local role none;
alter role tenantd_worker noinherit;
grant tenantd_readonly to tenantd_worker;
set local role tenantd_owner;

create table tenantd.tenant_exports (
  tenant_id uuid not null default tenantd.current_tenant_id() references tenantd.tenants (id),
  id uuid not null default gen_random_uuid(),
  status text not null default 'queued'
    constraint tenant_exports_status_known check (status in ('queued', 'running', 'done', 'failed')),
  include_secrets boolean not null default false,
  requested_by uuid,
  job_id bigint,
  -- the file's name in EXPORT_DIR/<tenant_id>/ (never a path: the service joins it to its own setting)
  file_name text constraint tenant_exports_file_name_shape check (file_name ~ '^[0-9a-f-]{36}\.tar$'),
  file_sha256 text constraint tenant_exports_file_sha256_shape check (file_sha256 ~ '^[0-9a-f]{64}$'),
  file_bytes bigint,
  row_counts jsonb not null default '{}',
  error text,
  -- the latest download link: SHA-256 of its token (tenantd.new_invitation_token) and its expiry
  link_token_hash bytea constraint tenant_exports_link_token_hash_shape check (octet_length(link_token_hash) = 32),
  link_expires_at timestamptz,
  created_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz,
  primary key (tenant_id, id)
);

create index tenant_exports_created on tenantd.tenant_exports (tenant_id, created_at desc);

-- born closed (see 0004_tenants.sql)
alter table tenantd.tenant_exports enable row level security;
alter table tenantd.tenant_exports force row level security;
