-- Tenant lifecycle (issue 4 §1): the reason of the last status change, and the indexes behind
-- GET /v1/tenants. The state machine itself is tenantd.transition_tenant (sql/); "deleted" is
-- not a status value but deleted_at being set, so every reader that already filters on
-- deleted_at keeps working and the previous status stays visible to DBAs.
alter table tenantd.tenants add column status_reason text
  check (status_reason is null or length(status_reason) <= 500);

-- keyset pagination of the tenant list: (sort key, id) for each sort the API offers, live
-- tenants only (soft-deleted ones are never listed); slug is unique, but the id tie-breaker
-- keeps the three orders alike
create index tenants_list_created_idx on tenantd.tenants (created_at, id) where deleted_at is null;
create index tenants_list_name_idx on tenantd.tenants (name, id) where deleted_at is null;
create index tenants_list_slug_idx on tenantd.tenants (slug, id) where deleted_at is null;
