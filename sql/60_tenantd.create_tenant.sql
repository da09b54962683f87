-- tenantd.create_tenant(name, slug, plan, description, metadata): sign a tenant up (POST
-- /v1/tenants). The tenant starts pending; tenantd.transition_tenant moves it on. Writes a
-- 'tenant.created' audit row in the same transaction. Returns the new row. The endpoint
-- function api.create_tenant(ctx, …) calls it (and enqueues the provisioning job); a DBA in psql
-- may call it directly.
--
-- Slug: an explicit slug must pass tenantd.slug_problem (TD422 otherwise) and be free (TD409
-- slug_taken; soft-deleted tenants keep theirs); without one it is derived from the name by
-- tenantd.insert_tenant, which also makes concurrent creates race-safe.
--
-- Errors: TD403 not a super admin; TD409 slug_taken; TD422 empty name, unknown plan, bad slug,
-- metadata not an object.
-- Security invoker: tenants.insert_as_super_admin is the rule that lets the caller insert.
create or replace function tenantd.create_tenant(
  p_name text,
  p_slug text,
  p_plan text,
  p_description text,
  p_metadata jsonb
) returns tenantd.tenants
language plpgsql volatile
as $$
declare
  v_row tenantd.tenants%rowtype;
  v_name text := btrim(coalesce(p_name, ''));
  v_problem text;
begin
  if not tenantd.is_super_admin() then
    raise exception using errcode = 'TD403', message = 'only a super admin may create tenants';
  end if;
  if v_name = '' or length(v_name) > 200 then
    raise exception using errcode = 'TD422', message = 'name must be 1 to 200 characters';
  end if;
  if p_plan is null or not exists (select 1 from tenantd.plans p where p.id = p_plan) then
    raise exception using errcode = 'TD422',
      message = format('unknown plan %s', coalesce(quote_literal(p_plan), 'null'));
  end if;
  if p_metadata is not null and jsonb_typeof(p_metadata) <> 'object' then
    raise exception using errcode = 'TD422', message = 'metadata must be a JSON object';
  end if;
  if p_slug is not null then
    v_problem := tenantd.slug_problem(p_slug);
    if v_problem is not null then
      raise exception using errcode = 'TD422', message = v_problem;
    end if;
  end if;

  v_row := tenantd.insert_tenant(v_name, p_slug, p_plan, p_description, p_metadata, null, null);

  perform tenantd.tenant_audit(v_row.id, 'tenant.created',
    jsonb_build_object('slug', v_row.slug, 'name', v_row.name, 'plan', v_row.plan,
                       'slug_derived', p_slug is null));
  return v_row;
end
$$;

revoke all on function tenantd.create_tenant(text, text, text, text, jsonb) from public;
grant execute on function tenantd.create_tenant(text, text, text, text, jsonb) to tenantd_app;
