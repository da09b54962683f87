-- Refresh-token rotation (issue 4 §7). Each login starts a session family; every refresh ends
-- the presented session (rotated_at, replaced_by) and starts the next one in the same family.
-- A rotated token presented again means it leaked (or was replayed): the whole family is
-- revoked, so the thief's and the owner's newest tokens both stop working (OAuth 2.0 Security
-- BCP, refresh token rotation).
-- Existing rows (none are issued before this migration) each become a family of their own.
alter table tenantd.sessions
  add column family_id uuid not null default gen_random_uuid(),
  add column rotated_at timestamptz,
  add column replaced_by uuid,
  add column revoked_reason text
    check (revoked_reason is null or revoked_reason in ('rotated', 'logout', 'reuse_detected', 'admin'));

-- revoking a family and counting live sessions per family
create index sessions_tenant_id_family_id_idx on tenantd.sessions (tenant_id, family_id);
