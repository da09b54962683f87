-- api.create_tenant(name, slug, plan, description, metadata): sign a tenant up (POST
-- /v1/tenants). The tenant starts pending; tenantd.transition_tenant moves it on. Writes a
-- 'tenant.created' audit row in the same transaction. Returns the new row.
--
-- Slug: an explicit slug must pass tenantd.slug_problem (TD422 otherwise) and be free (TD409
-- slug_taken; soft-deleted tenants keep theirs). Without one it is tenantd.slugify(name), then
-- name-2, name-3, … while that is reserved, malformed or taken. Race-safe: the unique
-- constraint on slug decides, not the look-up; a concurrent sign-up that took the candidate
-- first makes our insert fail inside its own subtransaction and we try the next suffix.
--
-- Errors: TD403 not a super admin; TD409 slug_taken; TD422 empty name, unknown plan, bad slug,
-- metadata not an object.
-- Security invoker: tenants.insert_as_super_admin is the rule that lets the caller insert.
create or replace function api.create_tenant(
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
  v_candidate text;
  v_problem text;
  v_constraint text;
  v_n int := 0;
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

  loop
    v_n := v_n + 1;
    if p_slug is not null then
      v_candidate := p_slug;
    else
      if v_n > 10000 then
        -- not reachable in practice; a loop without an end is worse than a clear error
        raise exception using errcode = 'TD409', message = 'slug_taken: no free slug derived from this name';
      end if;
      v_candidate := tenantd.slugify(v_name, v_n);
      -- skip what cannot win without spending a subtransaction on it (super admins see
      -- every tenant, soft-deleted ones included)
      continue when tenantd.slug_problem(v_candidate) is not null
                 or exists (select 1 from tenantd.tenants t where t.slug = v_candidate);
    end if;
    begin
      insert into tenantd.tenants (slug, name, description, plan, metadata)
      values (v_candidate, v_name, p_description, p_plan, coalesce(p_metadata, '{}'::jsonb))
      returning * into v_row;
      exit;
    exception when unique_violation then
      get stacked diagnostics v_constraint = constraint_name;
      if v_constraint is distinct from 'tenants_slug_key' then
        raise;
      end if;
      if p_slug is not null then
        raise exception using errcode = 'TD409',
          message = format('slug_taken: slug %s is already taken', p_slug);
      end if;
    end;
  end loop;

  perform tenantd.tenant_audit(v_row.id, 'tenant.created',
    jsonb_build_object('slug', v_row.slug, 'name', v_row.name, 'plan', v_row.plan,
                       'slug_derived', p_slug is null));
  return v_row;
end
$$;

revoke all on function api.create_tenant(text, text, text, text, jsonb) from public;
grant execute on function api.create_tenant(text, text, text, text, jsonb) to tenantd_app;
