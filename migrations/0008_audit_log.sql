-- Audit log: append-only record of who did what in a tenant. Actor, role and request id default
-- from the transaction's context, so a plain insert records them.
create table tenantd.audit_log (
  tenant_id uuid not null default tenantd.current_tenant_id() references tenantd.tenants (id),
  id uuid not null default gen_random_uuid(),
  at timestamptz not null default now(),
  actor_id uuid default tenantd.current_user_id(),
  actor_role text default tenantd.current_role_name(),
  action text not null check (action <> ''),
  target_type text,
  target_id text,
  details jsonb not null default '{}' check (jsonb_typeof(details) = 'object'),
  request_id text default tenantd.current_request_id(),
  primary key (tenant_id, id)
);

-- newest first per tenant, with id as the tie-breaker for keyset pagination
create index audit_log_tenant_id_at_idx on tenantd.audit_log (tenant_id, at desc, id desc);

-- born closed (see 0004_tenants.sql)
alter table tenantd.audit_log enable row level security;
alter table tenantd.audit_log force row level security;
