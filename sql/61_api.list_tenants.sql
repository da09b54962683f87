-- api.list_tenants(ctx, limit, sort, desc, status, plan, q, created_after, created_before,
-- after_key, after_id): GET /v1/tenants (super admins), one page of the live tenants as
-- {"data": [tenant…], "next_cursor": text|null}.
-- sort: created_at | name | slug, desc: descending. Filters (NULL: none): status (a lifecycle
-- state; 'deleted' is an empty page: soft-deleted tenants are never listed), plan, q (a LIKE
-- pattern, already escaped, matched against name and slug case-insensitively),
-- created_after <= created_at < created_before. after_key/after_id: the (sort key, id) of the
-- last row of the previous page, from the cursor the handler decoded and checked.
-- Cursor: base64url("<sort>\n<id>\n<key>"), the sort spelled as the query gave it ("-name"), the
-- key last because a name may hold any character; created_at keys with microseconds so that
-- keyset paging never skips a row.
--
-- One static statement per sort order (six), as before this function existed: plpgsql keeps one
-- cached plan per statement, so each order gets a plan that walks its own index.
-- Errors: TD403 not a super admin; TD400 a limit outside 1..200.
-- Security invoker: the tenants policies for super admins decide what is seen.
create or replace function api.list_tenants(
  ctx jsonb,
  p_limit int,
  p_sort text,
  p_desc boolean,
  p_status text,
  p_plan text,
  p_q text,
  p_created_after timestamptz,
  p_created_before timestamptz,
  p_after_key text,
  p_after_id uuid
) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_after_ts timestamptz;
  v_rows json[];
  v_keys text[];
  v_sort text := case when coalesce(p_desc, false) then '-' else '' end || p_sort;
  v_n int;
begin
  perform tenantd.enter(ctx);
  if not tenantd.is_super_admin() then
    raise exception using errcode = 'TD403', message = 'only a super_admin may list tenants';
  end if;
  if p_limit is null or p_limit not between 1 and 200 then
    raise exception using errcode = 'TD400', message = 'limit must be between 1 and 200';
  end if;
  if p_sort is null or p_sort not in ('created_at', 'name', 'slug') then
    raise exception using errcode = 'TD400', message = 'sort must be created_at, name or slug';
  end if;
  if (p_after_key is null) <> (p_after_id is null) then
    raise exception using errcode = 'TDB03', message = 'the cursor is not one this service issued';
  end if;
  if p_status = 'deleted' then
    return tenantd.reply(200, tenantd.page(array[]::json[], p_limit, 'id'));
  end if;
  if p_sort = 'created_at' and p_after_key is not null then
    v_after_ts := p_after_key::timestamptz;
  end if;

  -- one row more than asked: it only says whether another page exists
  if p_sort = 'created_at' and not coalesce(p_desc, false) then
    select array_agg(r.j order by r.n), array_agg(r.k order by r.n) into v_rows, v_keys
      from (select tenantd.tenant_json(row(t.*)::tenantd.tenants) as j, to_char(t.created_at at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as k,
                   row_number() over (order by t.created_at, t.id) as n
              from tenantd.tenants t
             where t.deleted_at is null
               and (p_status is null or t.status = p_status)
               and (p_plan is null or t.plan = p_plan)
               and (p_q is null or t.name ilike p_q or t.slug ilike p_q)
               and t.created_at >= coalesce(p_created_after, '-infinity')
               and t.created_at < coalesce(p_created_before, 'infinity')
               and (p_after_id is null or (t.created_at, t.id) > (v_after_ts, p_after_id))
             order by t.created_at, t.id
             limit p_limit + 1) r;
  elsif p_sort = 'created_at' and coalesce(p_desc, false) then
    select array_agg(r.j order by r.n), array_agg(r.k order by r.n) into v_rows, v_keys
      from (select tenantd.tenant_json(row(t.*)::tenantd.tenants) as j, to_char(t.created_at at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as k,
                   row_number() over (order by t.created_at desc, t.id desc) as n
              from tenantd.tenants t
             where t.deleted_at is null
               and (p_status is null or t.status = p_status)
               and (p_plan is null or t.plan = p_plan)
               and (p_q is null or t.name ilike p_q or t.slug ilike p_q)
               and t.created_at >= coalesce(p_created_after, '-infinity')
               and t.created_at < coalesce(p_created_before, 'infinity')
               and (p_after_id is null or (t.created_at, t.id) < (v_after_ts, p_after_id))
             order by t.created_at desc, t.id desc
             limit p_limit + 1) r;
  elsif p_sort = 'name' and not coalesce(p_desc, false) then
    select array_agg(r.j order by r.n), array_agg(r.k order by r.n) into v_rows, v_keys
      from (select tenantd.tenant_json(row(t.*)::tenantd.tenants) as j, t.name as k,
                   row_number() over (order by t.name, t.id) as n
              from tenantd.tenants t
             where t.deleted_at is null
               and (p_status is null or t.status = p_status)
               and (p_plan is null or t.plan = p_plan)
               and (p_q is null or t.name ilike p_q or t.slug ilike p_q)
               and t.created_at >= coalesce(p_created_after, '-infinity')
               and t.created_at < coalesce(p_created_before, 'infinity')
               and (p_after_id is null or (t.name, t.id) > (p_after_key, p_after_id))
             order by t.name, t.id
             limit p_limit + 1) r;
  elsif p_sort = 'name' and coalesce(p_desc, false) then
    select array_agg(r.j order by r.n), array_agg(r.k order by r.n) into v_rows, v_keys
      from (select tenantd.tenant_json(row(t.*)::tenantd.tenants) as j, t.name as k,
                   row_number() over (order by t.name desc, t.id desc) as n
              from tenantd.tenants t
             where t.deleted_at is null
               and (p_status is null or t.status = p_status)
               and (p_plan is null or t.plan = p_plan)
               and (p_q is null or t.name ilike p_q or t.slug ilike p_q)
               and t.created_at >= coalesce(p_created_after, '-infinity')
               and t.created_at < coalesce(p_created_before, 'infinity')
               and (p_after_id is null or (t.name, t.id) < (p_after_key, p_after_id))
             order by t.name desc, t.id desc
             limit p_limit + 1) r;
  elsif p_sort = 'slug' and not coalesce(p_desc, false) then
    select array_agg(r.j order by r.n), array_agg(r.k order by r.n) into v_rows, v_keys
      from (select tenantd.tenant_json(row(t.*)::tenantd.tenants) as j, t.slug as k,
                   row_number() over (order by t.slug, t.id) as n
              from tenantd.tenants t
             where t.deleted_at is null
               and (p_status is null or t.status = p_status)
               and (p_plan is null or t.plan = p_plan)
               and (p_q is null or t.name ilike p_q or t.slug ilike p_q)
               and t.created_at >= coalesce(p_created_after, '-infinity')
               and t.created_at < coalesce(p_created_before, 'infinity')
               and (p_after_id is null or (t.slug, t.id) > (p_after_key, p_after_id))
             order by t.slug, t.id
             limit p_limit + 1) r;
  elsif p_sort = 'slug' and coalesce(p_desc, false) then
    select array_agg(r.j order by r.n), array_agg(r.k order by r.n) into v_rows, v_keys
      from (select tenantd.tenant_json(row(t.*)::tenantd.tenants) as j, t.slug as k,
                   row_number() over (order by t.slug desc, t.id desc) as n
              from tenantd.tenants t
             where t.deleted_at is null
               and (p_status is null or t.status = p_status)
               and (p_plan is null or t.plan = p_plan)
               and (p_q is null or t.name ilike p_q or t.slug ilike p_q)
               and t.created_at >= coalesce(p_created_after, '-infinity')
               and t.created_at < coalesce(p_created_before, 'infinity')
               and (p_after_id is null or (t.slug, t.id) < (p_after_key, p_after_id))
             order by t.slug desc, t.id desc
             limit p_limit + 1) r;
  end if;
  v_n := coalesce(array_length(v_rows, 1), 0);
  return tenantd.reply(200, json_build_object(
    'data', coalesce(array_to_json(v_rows[1:p_limit]), '[]'::json),
    'next_cursor', case when v_n > p_limit
                        then tenantd.encode_cursor(v_sort || E'\n' || (v_rows[p_limit] ->> 'id') || E'\n' || v_keys[p_limit])
                   end));
end
$$;

revoke all on function api.list_tenants(jsonb, int, text, boolean, text, text, text, timestamptz, timestamptz, text, uuid) from public;
grant execute on function api.list_tenants(jsonb, int, text, boolean, text, text, text, timestamptz, timestamptz, text, uuid) to tenantd_app;
