-- tenantd.page(rows, limit, key): a list answer {"data": [...], "next_cursor": text|null} from
-- rows fetched with limit + 1: the extra row only says that another page exists; the cursor
-- (tenantd.encode_cursor) holds field `key` of the last row shown.
create or replace function tenantd.page(p_rows json[], p_limit int, p_key text) returns json
language sql stable parallel safe
as $$
  select json_build_object(
    'data', coalesce(array_to_json(p_rows[1:p_limit]), '[]'::json),
    'next_cursor', case when coalesce(array_length(p_rows, 1), 0) > p_limit
                        then tenantd.encode_cursor(p_rows[p_limit] ->> p_key) end)
$$;

revoke all on function tenantd.page(json[], int, text) from public;
grant execute on function tenantd.page(json[], int, text) to tenantd_app, tenantd_readonly;
