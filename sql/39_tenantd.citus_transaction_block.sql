-- tenantd.citus_transaction_block(): on Citus, makes the rest of the statement's transaction a
-- coordinated one, so every worker connection it uses starts with BEGIN and the request's
-- SET LOCAL context (Citus sends the SET LOCALs only as part of a remote BEGIN). Called by
-- tenantd.propagate_context, i.e. only when citus.propagate_set_commands = 'local'.
--
-- Why: tenantd calls one api.* function per request in autocommit. Citus opens a remote
-- transaction block for a read-only query only inside a client's BEGIN … COMMIT (or once the
-- transaction is coordinated); otherwise the query runs on the worker without the context and
-- the shard's policies show nothing: every read answered empty on Citus (found with
-- scripts/citus-one-worker-check.sh; Citus 13.2.2 executor_util_tasks.c,
-- TaskListRequiresRollback). A row-locking query inside a function call does make the
-- transaction coordinated; this one locks nothing (no role has the nil id) and is routed to the
-- shard of the context's tenant only, so it costs one round trip to the one worker the request
-- uses anyway. Without a tenant in the context it does nothing.
--
-- Security invoker, on purpose: it runs as the role that does the rest of the work (tenantd_app
-- in an endpoint function, the owner inside a definer function), because Citus refuses to let a
-- second role touch placements that one role has written in the transaction. FOR KEY SHARE needs
-- UPDATE rights on roles: a role without them (tenantd_readonly, tenantd_worker outside definer
-- functions) is skipped; a DBA in psql runs BEGIN … COMMIT, which opens the blocks anyway.
create or replace function tenantd.citus_transaction_block() returns void
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_tenant uuid := tenantd.current_tenant_id();  -- a parameter: Citus routes to one shard
begin
  if v_tenant is not null and pg_catalog.has_table_privilege('tenantd.roles', 'UPDATE') then
    perform 1 from tenantd.roles r
     where r.tenant_id = v_tenant and r.id = '00000000-0000-0000-0000-000000000000'
       for key share;
  end if;
end
$$;

revoke all on function tenantd.citus_transaction_block() from public;
grant execute on function tenantd.citus_transaction_block() to tenantd_app, tenantd_worker, tenantd_readonly;
