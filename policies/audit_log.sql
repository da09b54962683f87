-- tenantd.audit_log: append-only. Reading needs the audit:read permission (tenantd.has_permission:
-- built-in tenant_admin, registered super admins, tenant roles granted it), so a member's context
-- reads nothing here, through the API or in psql as tenantd_app (tenantd_readonly, the DBAs'
-- reporting role, reads the tenant it names); writing needs only the tenant context, since
-- every procedure records what it did whoever the caller is.
-- tenantd_app may insert and read its tenant's rows and has no
-- UPDATE or DELETE grant at all; the update/delete policies deny as well, so every command has
-- a policy (tenantd.rls_audit) and even the owner cannot rewrite history through a definer
-- function. Only the retention sweep deletes, as the owner, through its own policies
-- (policies/zz_retention.sql), rows past the tenant's retention.
alter table tenantd.audit_log enable row level security;
alter table tenantd.audit_log force row level security;

revoke all on table tenantd.audit_log from public, tenantd_app, tenantd_readonly;
grant select, insert on table tenantd.audit_log to tenantd_app;
grant select on table tenantd.audit_log to tenantd_readonly;

call tenantd.drop_policies('tenantd.audit_log');

create policy select_own_tenant_with_audit_read on tenantd.audit_log for select
  using (tenant_id = tenantd.current_tenant_id()
         and tenantd.has_permission('audit:read'));

-- tenantd_readonly (DBAs, reporting) reads the tenant it names, whatever app.role says, as for
-- memberships; the app role has no such policy
create policy select_own_tenant_reporting on tenantd.audit_log for select to tenantd_readonly
  using (tenant_id = tenantd.current_tenant_id());

create policy insert_own_tenant on tenantd.audit_log for insert
  with check (tenant_id = tenantd.current_tenant_id());

create policy update_denied on tenantd.audit_log for update
  using (false);

create policy delete_denied on tenantd.audit_log for delete
  using (false);
