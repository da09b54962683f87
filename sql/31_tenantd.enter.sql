-- tenantd.enter(ctx): the first thing every endpoint function api.<operation>(ctx, …) does, in
-- the same statement as the work: one round trip per request. It resolves the tenant the
-- request named, checks the principal against the database, sets the transaction-local context
-- and refuses, with a coded error, whatever the request may not do. Returns the tenant id (NULL
-- when the request acts in no tenant).
--
-- The checks, the context and the refusals are tenantd.enter_checked (SECURITY DEFINER, its
-- header lists what ctx holds and what is checked). This function adds what a super admin
-- entering a tenant leaves behind: a 'super_admin.access' audit row (DESIGN §4), written here as
-- the caller under the audit log's insert policy (its tenant is the context's), not as the
-- definer: on Citus a shard written by one role in a transaction cannot be read by another in
-- it (docs/scale-out.md, item 1), and every endpoint reads its tenant's tables as the caller
-- right after this. It takes no right from anyone: the row is checked by the same policy any
-- procedure's audit row is, and the app role that could leave it out by calling enter_checked
-- itself could set the app.* settings itself too; the service it serves calls this function.
-- A refusal in enter_checked aborts the statement before any row is written.
create or replace function tenantd.enter(ctx jsonb) returns uuid
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_tenant uuid := tenantd.enter_checked(ctx);
begin
  if ctx is not null and v_tenant is not null
     and pg_catalog.current_setting('app.role', true) = 'super_admin' then
    -- actor_id, actor_role and request_id come from the context just set (column defaults)
    insert into tenantd.audit_log (tenant_id, action, target_type, target_id, details)
    values (v_tenant, 'super_admin.access', 'tenant', v_tenant::text,
            jsonb_build_object('route', coalesce(ctx ->> 'route', '')));
  end if;
  return v_tenant;
end
$$;

revoke all on function tenantd.enter(jsonb) from public;
grant execute on function tenantd.enter(jsonb) to tenantd_app;
