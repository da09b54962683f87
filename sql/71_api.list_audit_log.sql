-- api.list_audit_log(ctx, limit, action, actor, target_type, target_id, from, to, after_at,
-- after_id): GET /v1/audit-log, one page of the current tenant's audit log, newest first, as
-- {"data": [entry…], "next_cursor": text|null}. The filters, their timestamp rules and the
-- keyset are tenantd.list_audit_log's; the cursor holds "<at with microseconds>|<id>" of the
-- last entry shown (the handler splits it into after_at and after_id). The route needs
-- audit:read (tenantd.enter; the procedure checks again for direct callers).
create or replace function api.list_audit_log(
  ctx jsonb,
  p_limit int,
  p_action text,
  p_actor uuid,
  p_target_type text,
  p_target_id text,
  p_from text,
  p_to text,
  p_after_at text,
  p_after_id uuid
) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_rows json[];
  v_keys text[];
begin
  perform tenantd.enter(ctx);
  if p_limit is null or p_limit not between 1 and 200 then
    raise exception using errcode = 'TD400', message = 'limit must be between 1 and 200';
  end if;
  -- one row more than asked: it only says whether another page exists
  select coalesce(array_agg(json_build_object('id', l.id, 'at', tenantd.rfc3339(l.at),
                                              'actor_id', l.actor_id, 'actor_role', l.actor_role,
                                              'action', l.action, 'target_type', l.target_type,
                                              'target_id', l.target_id, 'details', l.details,
                                              'request_id', l.request_id) order by l.ordinality), '{}'),
         coalesce(array_agg(l.at_cursor || '|' || l.id order by l.ordinality), '{}')
    into v_rows, v_keys
    from tenantd.list_audit_log(p_action, p_actor, p_target_type, p_target_id, p_from, p_to,
                                p_after_at, p_after_id, p_limit + 1) with ordinality l;
  return tenantd.reply(200, json_build_object(
    'data', coalesce(array_to_json(v_rows[1:p_limit]), '[]'::json),
    'next_cursor', case when coalesce(array_length(v_rows, 1), 0) > p_limit
                        then tenantd.encode_cursor(v_keys[p_limit]) end));
end
$$;

revoke all on function api.list_audit_log(jsonb, int, text, uuid, text, text, text, text, text, uuid) from public;
grant execute on function api.list_audit_log(jsonb, int, text, uuid, text, text, text, text, text, uuid)
  to tenantd_app;
