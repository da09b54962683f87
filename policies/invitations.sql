-- tenantd.invitations: tenant-owned. Managing invitations (invite, list, revoke) needs the
-- invitations:write permission (tenantd.has_permission) in the tenant the transaction acts in,
-- for the API and for a DBA in psql with a member's context alike. The catalogue has no
-- separate read permission: who may send invitations is who may see them.
-- Invitations are history: revoked, never deleted by the app (delete_denied); ended ones leave
-- only through the retention sweep (policies/zz_retention.sql).
alter table tenantd.invitations enable row level security;
alter table tenantd.invitations force row level security;

-- Column grants: the app role never reads token_hash (only tenantd.accept_invitation, running as
-- the owner, compares it), and may change only the columns of a status change.
-- INSERT also on the columns with defaults (status, created_at, updated_at): on Citus the
-- coordinator fills in every default and sends the shard an INSERT naming them all, and the
-- shard checks the privilege on each ("permission denied for table invitations_NNN"). Writing
-- them forges nothing: insert_own_tenant admits status = 'pending' only and tg__stamp sets the
-- stamps, whatever the insert said (tests/sql/50-isolation-invitations.sql attacks both).
revoke all on table tenantd.invitations from public, tenantd_app, tenantd_readonly;
grant select (tenant_id, id, email, role, status, expires_at, accepted_at, accepted_by,
              revoked_at, revoked_by, invited_by, created_at, updated_at, created_by, updated_by)
  on table tenantd.invitations to tenantd_app, tenantd_readonly;
grant insert (tenant_id, id, email, role, token_hash, expires_at, invited_by,
              status, created_at, updated_at)
  on table tenantd.invitations to tenantd_app;
grant update (status, accepted_at, accepted_by, revoked_at, revoked_by)
  on table tenantd.invitations to tenantd_app;

call tenantd.drop_policies('tenantd.invitations');

create policy select_own_tenant on tenantd.invitations for select
  using (tenant_id = tenantd.current_tenant_id()
         and tenantd.has_permission('invitations:write'));

-- a new invitation is pending and names its inviter truthfully
create policy insert_own_tenant on tenantd.invitations for insert
  with check (tenant_id = tenantd.current_tenant_id()
              and tenantd.has_permission('invitations:write')
              and status = 'pending'
              and invited_by is not distinct from tenantd.current_user_id());

-- WITH CHECK as well: a row must not be moved into another tenant
create policy update_own_tenant on tenantd.invitations for update
  using (tenant_id = tenantd.current_tenant_id()
         and tenantd.has_permission('invitations:write'))
  with check (tenant_id = tenantd.current_tenant_id()
              and tenantd.has_permission('invitations:write'));

-- the invitee: a user whose email the invitation names may mark a pending invitation accepted
-- by themself, and nothing else (tenantd.accept_invitation sets app.user_id to that user and
-- app.user_email to their address; the email comes from the context, set from the same users
-- row as app.user_id, rather than from a subquery into users)
create policy update_accept_own on tenantd.invitations for update
  using (tenant_id = tenantd.current_tenant_id()
         and status = 'pending'
         and lower(email) = lower(tenantd.current_user_email()))
  with check (tenant_id = tenantd.current_tenant_id()
              and status = 'accepted'
              and accepted_by = tenantd.current_user_id());

create policy delete_denied on tenantd.invitations for delete
  using (false);

-- tenantd.accept_invitation (SECURITY DEFINER, runs as the owner) finds an invitation by the hash
-- of the token the invitee presents, before any tenant context exists. tenantd_owner and its
-- members only; tenantd_app never gets it.
create policy select_as_owner on tenantd.invitations for select to tenantd_owner
  using (true);
