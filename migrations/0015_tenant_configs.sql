-- Per-tenant configuration: (tenant, type, key) → any JSON value, with an is_active switch.
-- Feature flags are the rows of type 'features' (policies/tenant_configs.sql lets every member
-- read them). The API and api.put_config validate the same rules first, with specific error
-- codes; the constraints here hold for psql users as well.
create table tenantd.tenant_configs (
  tenant_id uuid not null default tenantd.current_tenant_id() references tenantd.tenants (id),
  id uuid not null default gen_random_uuid(),
  type text not null
    constraint tenant_configs_type_known
      check (type in ('general', 'auth', 'billing', 'features', 'integrations')),
  key text not null
    constraint tenant_configs_key_shape check (key ~ '^[a-z0-9_.-]{1,128}$'),
  value jsonb not null,
  is_active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  created_by uuid,
  updated_by uuid,
  primary key (tenant_id, id),
  -- also the index every read uses: (tenant_id, type, key) serves "all", "one type" and "one key"
  constraint tenant_configs_tenant_id_type_key_key unique (tenant_id, type, key),
  -- 64 KiB of JSON text as PostgreSQL renders the value (what psql shows and pg_dump writes)
  constraint tenant_configs_value_size check (octet_length(value::text) <= 65536)
);

-- born closed (see 0004_tenants.sql)
alter table tenantd.tenant_configs enable row level security;
alter table tenantd.tenant_configs force row level security;
