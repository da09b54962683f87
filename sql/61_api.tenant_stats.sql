-- api.tenant_stats(ctx): GET /v1/tenants/stats (super admins). by_status covers every state,
-- deleted included; total, by_plan and created_per_day count live tenants (deleted ones are gone
-- from every list). Days are UTC days, the last 30 including today, zeros included, oldest
-- first.
-- Errors: TD403 not a super admin.
create or replace function api.tenant_stats(ctx jsonb) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_today date := (now() at time zone 'utc')::date;
  v_body json;
begin
  perform tenantd.enter(ctx);
  if not tenantd.is_super_admin() then
    raise exception using errcode = 'TD403', message = 'only a super_admin may read tenant statistics';
  end if;
  select json_build_object(
    'total', (select count(*) from tenantd.tenants t where t.deleted_at is null),
    'by_status', (select json_object_agg(s.state, (select count(*) from tenantd.tenants t
                                                    where tenantd.tenant_state(t.status, t.deleted_at) = s.state)
                                         order by s.ord)
                    from unnest(array['pending', 'provisioning', 'active', 'suspended', 'inactive', 'failed', 'deleted'])
                         with ordinality as s (state, ord)),
    'by_plan', (select coalesce(json_object_agg(p.id, (select count(*) from tenantd.tenants t
                                                        where t.plan = p.id and t.deleted_at is null)
                                                order by p.id), '{}'::json)
                  from tenantd.plans p),
    'created_per_day', (select json_agg(json_build_object('date', to_char(d.day, 'YYYY-MM-DD'),
                                                          'count', coalesce(c.n, 0)) order by d.day)
                          from generate_series(v_today - 29, v_today, interval '1 day') as d (day)
                          left join (select (t.created_at at time zone 'utc')::date as day, count(*) as n
                                       from tenantd.tenants t
                                      where t.deleted_at is null
                                        and t.created_at >= (v_today - 29)::timestamp at time zone 'utc'
                                      group by 1) as c on c.day = d.day::date))
    into v_body;
  return tenantd.reply(200, v_body);
end
$$;

revoke all on function api.tenant_stats(jsonb) from public;
grant execute on function api.tenant_stats(jsonb) to tenantd_app;
