-- tenantd.tenant_status_events(tenant, after): the public status stream's replay: the
-- 'tenant.status' events of one tenant after an event id, from the last hour, oldest first: the
-- newest 200 of them (a client that missed more gets the current status right after anyway). Their data is the public status shape (tenantd.tg_tenants__event), nothing else: no
-- job or domain event and no other tenant's row can come out of here.
-- SECURITY DEFINER: the public caller has no context and tenantd.events shows it no row; the
-- filter on tenant and kind is the whole rule.
create or replace function tenantd.tenant_status_events(p_tenant uuid, p_after bigint)
returns table (id bigint, data jsonb, at timestamptz)
language sql stable security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
  select r.id, r.data, r.created_at
    from (select e.id, e.data, e.created_at
            from tenantd.events e
           where e.tenant_id = p_tenant
             and e.kind = 'tenant.status'
             and e.id > coalesce(p_after, 0)
             and e.created_at > now() - interval '1 hour'
           order by e.id desc
           limit 200) r
   order by r.id
$$;

revoke all on function tenantd.tenant_status_events(uuid, bigint) from public;
grant execute on function tenantd.tenant_status_events(uuid, bigint) to tenantd_app;
