-- The token hashes of sessions and invitations are unique per tenant rather than across the
-- database. A hash is the SHA-256 of 32 random bytes, so two tenants never share one in practice
-- and nothing changes for a request; what changes is that the keys contain tenant_id, which is
-- what Citus needs to distribute these tables by tenant_id (it enforces a unique key on a
-- distributed table only when the key contains the distribution column: docs/scale-out.md).
-- Every session lookup already names the tenant (auth_refresh, auth_logout). Accepting an
-- invitation looks the token up without a tenant (the invitee has none yet), so the hash keeps
-- an index of its own.
alter table tenantd.sessions
  drop constraint sessions_refresh_token_hash_key,
  add constraint sessions_tenant_id_refresh_token_hash_key unique (tenant_id, refresh_token_hash);

alter table tenantd.invitations
  drop constraint invitations_token_hash_key,
  add constraint invitations_tenant_id_token_hash_key unique (tenant_id, token_hash);
create index invitations_token_hash_idx on tenantd.invitations (token_hash);
