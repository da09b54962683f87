-- api.list_invitations(ctx, limit, status, after_created_at, after_id): GET /v1/invitations,
-- one page of the current tenant's invitations, newest first, as {"data": [invitation…],
-- "next_cursor": text|null}. The cursor holds "<created_at with microseconds>|<id>" of the last
-- invitation shown (the service decodes and checks it). The route needs invitations:write
-- (tenantd.enter); tenantd.list_invitations does the keyset read through the caller's policies.
create or replace function api.list_invitations(
  ctx jsonb,
  p_limit int,
  p_status text,
  p_after_created_at timestamptz,
  p_after_id uuid
) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_rows json[];
  v_last text;
begin
  perform tenantd.enter(ctx);
  if p_limit is null or p_limit not between 1 and 200 then
    raise exception using errcode = 'TD400', message = 'limit must be between 1 and 200';
  end if;
  if (p_after_created_at is null) <> (p_after_id is null) then
    raise exception using errcode = 'TDB03', message = 'the cursor is not one this service issued';
  end if;
  -- one row more than asked: it only says whether another page exists
  select array_agg(tenantd.invitation_json(i.id, i.email, i.role, i.status, i.expires_at, i.created_at,
                                           i.invited_by, i.accepted_at, i.accepted_by, i.revoked_at)
                   order by i.created_at desc, i.id desc),
         (array_agg(pg_catalog.to_char(i.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
                    || '|' || i.id order by i.created_at desc, i.id desc))[p_limit]
    into v_rows, v_last
    from tenantd.list_invitations(p_status, p_after_created_at, p_after_id, p_limit + 1) i;
  return tenantd.reply(200, (select row_to_json(x)
    from (select coalesce(array_to_json(v_rows[1:p_limit]), '[]'::json) as data,
                 case when coalesce(array_length(v_rows, 1), 0) > p_limit
                      then tenantd.encode_cursor(v_last) end as next_cursor) x));
end
$$;

revoke all on function api.list_invitations(jsonb, int, text, timestamptz, uuid) from public;
grant execute on function api.list_invitations(jsonb, int, text, timestamptz, uuid) to tenantd_app;
