-- tenantd.list_audit_log(action, actor, target_type, target_id, from, to, after_at, after_id, limit):
-- one page of the current tenant's audit log, newest first: ordered by (at, id) descending, the
-- key of the index audit_log_tenant_id_at_idx. Keyset pagination: pass the at (RFC 3339 with
-- microseconds, the at_cursor column) and id of the last row of the previous page; rows strictly
-- older come back, so rows appended meanwhile neither repeat nor shift a page.
-- Filters, each optional (NULL or ''): exact action, actor user id, target type, target id,
-- from (inclusive) and to (exclusive) as RFC 3339 text.
-- Errors: TD400 no tenant context, invalid_timestamp, invalid_time_range (from after to),
--         invalid_cursor; TD403 the caller lacks audit:read.
-- Security invoker: audit_log's own-tenant policy applies; audit:read is checked here because
-- the select policy also serves the service's own reads of the log.
create or replace function tenantd.list_audit_log(
  p_action text,
  p_actor uuid,
  p_target_type text,
  p_target_id text,
  p_from text,
  p_to text,
  p_after_at text,
  p_after_id uuid,
  p_limit int
) returns table (id uuid, at timestamptz, at_cursor text, actor_id uuid, actor_role text,
                 action text, target_type text, target_id text, details jsonb, request_id text)
language plpgsql stable
set search_path = pg_catalog, tenantd, pg_temp
as $$
#variable_conflict use_column
declare
  v_tenant uuid := tenantd.current_tenant_id();
  v_from timestamptz := tenantd.parse_rfc3339(p_from, 'from');
  v_to timestamptz := tenantd.parse_rfc3339(p_to, 'to');
  v_after_at timestamptz;
begin
  perform tenantd.require_permission('audit:read', 'reading the audit log');
  if v_from is not null and v_to is not null and v_from > v_to then
    raise exception using errcode = 'TDB05',
      message = 'from must not be later than to';
  end if;
  if (p_after_at is null) <> (p_after_id is null) then
    raise exception using errcode = 'TDB03',
      message = 'the cursor is not one this service issued';
  end if;
  if p_after_at is not null then
    begin
      v_after_at := tenantd.parse_rfc3339(p_after_at, 'cursor');
    exception when sqlstate 'TDB06' then
      raise exception using errcode = 'TDB03',
        message = 'the cursor is not one this service issued';
    end;
  end if;

  return query
    select l.id, l.at,
           to_char(l.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
           l.actor_id, l.actor_role, l.action, l.target_type, l.target_id, l.details,
           l.request_id
      from tenantd.audit_log l
     where l.tenant_id = v_tenant
       and (coalesce(p_action, '') = '' or l.action = p_action)
       and (p_actor is null or l.actor_id = p_actor)
       and (coalesce(p_target_type, '') = '' or l.target_type = p_target_type)
       and (coalesce(p_target_id, '') = '' or l.target_id = p_target_id)
       and (v_from is null or l.at >= v_from)
       and (v_to is null or l.at < v_to)
       and (v_after_at is null or (l.at, l.id) < (v_after_at, p_after_id))
     order by l.at desc, l.id desc
     limit greatest(coalesce(p_limit, 50), 0);
end
$$;

revoke all on function tenantd.list_audit_log(text, uuid, text, text, text, text, text, uuid, int)
  from public;
grant execute on function tenantd.list_audit_log(text, uuid, text, text, text, text, text, uuid, int)
  to tenantd_app, tenantd_readonly;
