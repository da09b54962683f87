-- Purging a tenant: after soft delete and PURGE_GRACE_DAYS, or at once by a platform operator,
-- every row of the tenant goes (tenantd.purge_step, a job of batches) and only these remain.
-- Both are platform tables, not tenant tables: no tenant_id column, no row-level security
-- (tenantd.global_tables()), written only by the owner's definer functions, readable by the
-- reporting role.

-- One row per purged (or being purged) tenant: the proof that it is gone, with nothing of its
-- content. The slug is kept only as a SHA-256 (a support question "was acme purged?" can be
-- answered; the name is not kept). row_counts: rows deleted per table, added batch by batch;
-- purged_at is set when the tenant row itself is gone.
create table tenantd.tenant_tombstones (
  id uuid primary key,
  slug_sha256 bytea not null,
  deleted_at timestamptz,
  requested_at timestamptz not null default now(),
  requested_by text not null,
  purged_at timestamptz,
  row_counts jsonb not null default '{}'
);

-- What the platform did to tenants' data, in counts: purges, retention sweeps. Append-only for
-- everybody but the owner; never row contents.
create table tenantd.platform_log (
  id bigint generated always as identity primary key,
  at timestamptz not null default now(),
  event text not null,
  tenant_id_text text,
  details jsonb not null default '{}'
);
create index platform_log_event_at_idx on tenantd.platform_log (event, at);

revoke all on tenantd.tenant_tombstones, tenantd.platform_log from public;
grant select on tenantd.tenant_tombstones, tenantd.platform_log to tenantd_readonly;
