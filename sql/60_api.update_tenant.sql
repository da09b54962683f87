-- api.update_tenant(id, changes): PATCH /v1/tenants/{id}. `changes` is a JSON object with any
-- of name, description (null clears it), plan, metadata (replaces the whole object). A super
-- admin may change every one of them; a tenant_admin acting in that very tenant may change name
-- and description only (the same rule as tenantd.tg_tenants__protect_columns, which guards a
-- plain UPDATE in psql). Writes a 'tenant.updated' audit row listing the changed fields (and
-- the plan change) in the same transaction. An empty object changes nothing and writes nothing.
-- Returns the row.
--
-- Errors: TD403 not allowed (role, another tenant, or a field a tenant_admin may not change);
-- TD404 tenant_not_found; TD422 unknown field, wrong type, empty or long name, unknown plan.
-- Security invoker: the tenants update policies apply as they are.
create or replace function api.update_tenant(p_id uuid, p_changes jsonb) returns tenantd.tenants
language plpgsql volatile
as $$
declare
  v_old tenantd.tenants%rowtype;
  v_row tenantd.tenants%rowtype;
  v_key text;
  v_fields text[];
  v_details jsonb;
begin
  if p_changes is null or jsonb_typeof(p_changes) <> 'object' then
    raise exception using errcode = 'TD422', message = 'the changes must be a JSON object';
  end if;
  select array_agg(k order by k) into v_fields from jsonb_object_keys(p_changes) k;
  foreach v_key in array coalesce(v_fields, '{}') loop
    if v_key not in ('name', 'description', 'plan', 'metadata') then
      raise exception using errcode = 'TD422', message = format('unknown field %s', v_key);
    end if;
  end loop;

  if not tenantd.is_super_admin() then
    if tenantd.current_role_name() is distinct from 'tenant_admin'
       or tenantd.current_tenant_id() is distinct from p_id then
      raise exception using errcode = 'TD403',
        message = 'only a super admin, or a tenant_admin of this tenant, may change a tenant';
    end if;
    if p_changes ?| array['plan', 'metadata'] then
      raise exception using errcode = 'TD403',
        message = 'a tenant_admin may change name and description only';
    end if;
  end if;

  if p_changes ? 'name' and (jsonb_typeof(p_changes -> 'name') is distinct from 'string'
                             or btrim(p_changes ->> 'name') = '' or length(p_changes ->> 'name') > 200) then
    raise exception using errcode = 'TD422', message = 'name must be a string of 1 to 200 characters';
  end if;
  if p_changes ? 'description' and jsonb_typeof(p_changes -> 'description') not in ('string', 'null') then
    raise exception using errcode = 'TD422', message = 'description must be a string or null';
  end if;
  if length(p_changes ->> 'description') > 2000 then
    raise exception using errcode = 'TD422', message = 'description must be at most 2000 characters';
  end if;
  if p_changes ? 'plan' and not exists (
       select 1 from tenantd.plans p
        where jsonb_typeof(p_changes -> 'plan') = 'string' and p.id = p_changes ->> 'plan') then
    raise exception using errcode = 'TD422', message = 'plan must name an existing plan';
  end if;
  if p_changes ? 'metadata' and jsonb_typeof(p_changes -> 'metadata') is distinct from 'object' then
    raise exception using errcode = 'TD422', message = 'metadata must be a JSON object';
  end if;

  -- "for no key update", not "for update": the request already holds a key-share lock on this
  -- row when a super admin's entry wrote its audit row (the audit_log foreign key), and two such
  -- requests each upgrading to "for update" deadlock. The change below touches no key column.
  select * into v_old from tenantd.tenants t where t.id = p_id for no key update;
  if not found then
    raise exception using errcode = 'TDN05', message = 'no such tenant';
  end if;
  if v_fields is null then
    return v_old;
  end if;

  update tenantd.tenants t
     set name = case when p_changes ? 'name' then btrim(p_changes ->> 'name') else t.name end,
         description = case when p_changes ? 'description' then p_changes ->> 'description' else t.description end,
         plan = case when p_changes ? 'plan' then p_changes ->> 'plan' else t.plan end,
         metadata = case when p_changes ? 'metadata' then p_changes -> 'metadata' else t.metadata end
   where t.id = p_id
  returning * into v_row;
  if not found then
    -- visible but not updatable: the update policies refused the row
    raise exception using errcode = 'TD403', message = 'not allowed to change this tenant';
  end if;

  v_details := jsonb_build_object('fields', to_jsonb(v_fields));
  if v_old.plan is distinct from v_row.plan then
    v_details := v_details || jsonb_build_object('plan', jsonb_build_object('from', v_old.plan, 'to', v_row.plan));
  end if;
  perform tenantd.tenant_audit(p_id, 'tenant.updated', v_details);
  return v_row;
end
$$;

revoke all on function api.update_tenant(uuid, jsonb) from public;
grant execute on function api.update_tenant(uuid, jsonb) to tenantd_app;
