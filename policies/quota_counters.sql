-- tenantd.quota_counters: tenant-owned. tenantd.consume_quota runs in the creating request's
-- transaction with that request's context, whatever the caller's role (an invitee accepting an
-- invitation consumes a member), so inserting and updating need only the tenant context; the
-- counters are only ever changed through consume_quota. Every member of the tenant reads them
-- (they are counts, not content; the usage endpoints add their own usage:read check). No DELETE
-- grant and a denying policy: the monthly rows are the billing history.
alter table tenantd.quota_counters enable row level security;
alter table tenantd.quota_counters force row level security;

revoke all on table tenantd.quota_counters from public, tenantd_app, tenantd_readonly;
grant select, insert, update on table tenantd.quota_counters to tenantd_app;
grant select on table tenantd.quota_counters to tenantd_readonly;

call tenantd.drop_policies('tenantd.quota_counters');

-- INSERT … ON CONFLICT DO UPDATE needs the conflicting row to pass a select policy: the
-- consuming request sees its own tenant's counters
create policy select_own_tenant on tenantd.quota_counters for select
  using (tenant_id = tenantd.current_tenant_id());

create policy insert_own_tenant on tenantd.quota_counters for insert
  with check (tenant_id = tenantd.current_tenant_id());

create policy update_own_tenant on tenantd.quota_counters for update
  using (tenant_id = tenantd.current_tenant_id())
  with check (tenant_id = tenantd.current_tenant_id());

create policy delete_denied on tenantd.quota_counters for delete
  using (false);
