-- api.tenant_status_events(ctx, tenant, after): the opening of GET /v1/tenant-status/{id}/events
-- (public, Server-Sent Events): the tenant's current public status (what GET
-- /v1/tenant-status/{id} shows, never the invitation token) and, when the client resumes with
-- Last-Event-ID (after), the status events it missed (tenantd.tenant_status_events); without
-- it, no replay: the current status is all a new client needs.
-- Answer: {"status": {...}, "data": [{"id", "data", "at"}...], "last_id": bigint|null}; last_id
-- is the newest status event of this tenant, so the stream skips live events it already sent.
-- Errors: TDN05 tenant_not_found.
create or replace function api.tenant_status_events(ctx jsonb, p_tenant uuid, p_after bigint)
returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_status json;
  v_rows json;
  v_last bigint;
begin
  perform tenantd.enter(ctx);
  v_status := tenantd.tenant_status_json(p_tenant, null);
  if p_after is not null then
    select coalesce(json_agg(json_build_object('id', e.id, 'data', e.data, 'at', tenantd.rfc3339(e.at))
                             order by e.id), '[]'::json),
           max(e.id)
      into v_rows, v_last
      from tenantd.tenant_status_events(p_tenant, p_after) e;
  end if;
  if v_last is null then
    select max(e.id) into v_last from tenantd.tenant_status_events(p_tenant, 0) e;
  end if;
  return tenantd.reply(200, json_build_object('status', v_status, 'data', coalesce(v_rows, '[]'::json),
                                              'last_id', greatest(v_last, p_after)));
end
$$;

revoke all on function api.tenant_status_events(jsonb, uuid, bigint) from public;
grant execute on function api.tenant_status_events(jsonb, uuid, bigint) to tenantd_app;
