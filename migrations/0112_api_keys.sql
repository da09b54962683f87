-- Tenant API keys: a back end acts in one tenant with a key instead of a person's token
-- (Authorization: Bearer tdk_…). The key is shown once, when it is made; only its SHA-256 is
-- stored. SHA-256 rather than a slow KDF because the key is 256 random bits, not something a
-- person chose: there is no dictionary to try, so a fast hash loses nothing against offline
-- guessing, and it lets tenantd.enter find the key with one index lookup per request.
--
-- A key holds a fixed list of permissions, never more than its creator had when it was made;
-- each request gets at most what the creator still has (tenantd.api_key_principal), and a key
-- whose creator is no longer an enabled member of the tenant stops working (docs/api/api-keys.md).
-- Keys are history: revoked, never deleted (the audit log names them).
create table tenantd.api_keys (
  tenant_id uuid not null default tenantd.current_tenant_id() references tenantd.tenants (id),
  id uuid not null default gen_random_uuid(),
  name text not null check (length(name) between 1 and 100 and name !~ '[[:cntrl:]]'),
  -- 'tdk_' and the key's first 8 characters after it: public, shown in lists to tell keys apart
  prefix text not null check (prefix ~ '^tdk_[A-Za-z0-9_-]{8}$'),
  key_hash bytea not null check (length(key_hash) = 32),
  permissions text[] not null check (cardinality(permissions) between 1 and 64),
  -- the member who made (or last rotated it into being): the key acts within their rights
  created_by uuid not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz,
  revoked_at timestamptz,
  revoked_by uuid,
  -- a rotated key keeps working until its (shortened) expires_at; replaced_by names its successor
  replaced_by uuid,
  last_used_at timestamptz,
  primary key (tenant_id, id)
);

-- tenantd.enter finds a presented key by its hash, before any context exists: across tenants,
-- one index lookup. Unique: two keys with one hash would be one key.
create unique index api_keys_key_hash_key on tenantd.api_keys (key_hash);

-- born closed (see 0004_tenants.sql)
alter table tenantd.api_keys enable row level security;
alter table tenantd.api_keys force row level security;
