-- Envelope encryption of tenant secrets: each tenant's data keys (AES-256, random, made by
-- tenantd from OpenSSL's RNG), stored only WRAPPED by a key-encryption key that never reaches
-- the database (KEK_FILE; kek_id names which one). One key per tenant is 'active' (new secrets
-- are sealed with it); a key rotation adds a new active key, re-seals the tenant's secrets and
-- then deletes the retired key. A dump of this table without the KEK opens nothing.
create table tenantd.tenant_data_keys (
  tenant_id uuid not null default tenantd.current_tenant_id() references tenantd.tenants (id),
  id uuid not null,
  kek_id text not null
    constraint tenant_data_keys_kek_id_shape check (kek_id ~ '^[A-Za-z0-9_.-]{1,64}$'),
  -- base64 of nonce (12) + wrapped key (32) + tag (16): 80 characters
  wrapped_key text not null
    constraint tenant_data_keys_wrapped_key_shape check (wrapped_key ~ '^[A-Za-z0-9+/=]{80}$'),
  state text not null default 'active'
    constraint tenant_data_keys_state_known check (state in ('active', 'retired')),
  created_at timestamptz not null default now(),
  retired_at timestamptz,
  primary key (tenant_id, id)
);

-- at most one active key per tenant: two processes creating a tenant's first key at once agree
-- on one (INSERT … ON CONFLICT DO NOTHING, then read the winner)
create unique index tenant_data_keys_one_active on tenantd.tenant_data_keys (tenant_id)
  where state = 'active';

-- born closed (see 0004_tenants.sql)
alter table tenantd.tenant_data_keys enable row level security;
alter table tenantd.tenant_data_keys force row level security;

-- Secret configuration is stored sealed, never in clear: an 'integrations' value must be the
-- envelope {"sealed": "v1", "kid": <data key id>, "ct": <base64>} that tenantd writes (the same
-- shape test as tenantd.is_sealed_value; coalesce: a check passes on NULL). NOT VALID: rows written before encryption existed
-- stay readable until the tenant's next key rotation seals them.
alter table tenantd.tenant_configs
  add constraint tenant_configs_integrations_sealed
  check (type <> 'integrations'
         or coalesce(jsonb_typeof(value) = 'object'
                     and value ->> 'sealed' = 'v1'
                     and jsonb_typeof(value -> 'kid') = 'string'
                     and jsonb_typeof(value -> 'ct') = 'string', false))
  not valid;
