-- api.admin_events(ctx, after): the opening of GET /v1/admin/events (registered operators,
-- Server-Sent Events): with Last-Event-ID (after), every event after it from the last hour,
-- oldest first (the newest 500 of them); without, none. last_id is the newest event id, so the stream
-- skips live events that the replay already holds or that happened before the client came.
-- Answer: {"data": [{"id", "tenant_id", "kind", "data", "at"}...], "last_id": bigint|null}.
-- Reads tenantd.events as the caller: its policy shows rows to registered operators only.
-- Errors: TD403 not a super admin.
create or replace function api.admin_events(ctx jsonb, p_after bigint)
returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_rows json;
  v_last bigint;
begin
  perform tenantd.enter(ctx);
  if not tenantd.is_super_admin() then
    raise exception using errcode = 'TD403', message = 'only a super_admin may follow the platform events';
  end if;
  if p_after is not null then
    select coalesce(json_agg(json_build_object('id', r.id, 'tenant_id', r.tenant_id, 'kind', r.kind,
                                               'data', r.data, 'at', tenantd.rfc3339(r.created_at))
                             order by r.id), '[]'::json)
      into v_rows
      from (select e.* from tenantd.events e
             where e.id > p_after and e.created_at > now() - interval '1 hour'
             order by e.id desc limit 500) r;
  end if;
  select max(e.id) into v_last from tenantd.events e;
  return tenantd.reply(200, json_build_object('data', coalesce(v_rows, '[]'::json),
                                              'last_id', greatest(v_last, p_after)));
end
$$;

revoke all on function api.admin_events(jsonb, bigint) from public;
grant execute on function api.admin_events(jsonb, bigint) to tenantd_app;
