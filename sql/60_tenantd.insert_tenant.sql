-- tenantd.insert_tenant(name, slug, plan, description, metadata, external_id,
-- provisioning_status): inserts a pending tenant under a free slug; shared by api.create_tenant
-- (POST /v1/tenants) and api.signup (POST /v1/signup, webhooks).
--
-- Slug: an explicit slug is used as given (callers check tenantd.slug_problem first) and a taken
-- one raises TD409 slug_taken. Without one it is tenantd.slugify(name), then name-2, name-3, …
-- while that is reserved, malformed or taken. Race-safe: the unique constraint on slug decides,
-- not the look-up; a concurrent insert that took the candidate first makes ours fail inside its
-- own subtransaction and we try the next suffix. Any other unique violation (external_id) is
-- re-raised unchanged for the caller to handle.
-- Security invoker: the caller's rights decide (a super admin's policies, or the system context
-- of api.signup).
create or replace function tenantd.insert_tenant(
  p_name text,
  p_slug text,
  p_plan text,
  p_description text,
  p_metadata jsonb,
  p_external_id text,
  p_provisioning_status text
) returns tenantd.tenants
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_row tenantd.tenants%rowtype;
  v_candidate text;
  v_constraint text;
  v_n int := 0;
begin
  loop
    v_n := v_n + 1;
    if p_slug is not null then
      v_candidate := p_slug;
    else
      if v_n > 10000 then
        -- not reachable in practice; a loop without an end is worse than a clear error
        raise exception using errcode = 'TDC12', message = 'no free slug derived from this name';
      end if;
      v_candidate := tenantd.slugify(p_name, v_n);
      -- skip what cannot win without spending a subtransaction on it
      continue when tenantd.slug_problem(v_candidate) is not null
                 or exists (select 1 from tenantd.tenants t where t.slug = v_candidate);
    end if;
    begin
      insert into tenantd.tenants (slug, name, description, plan, metadata, external_id, status, provisioning_status)
      values (v_candidate, p_name, p_description, p_plan, coalesce(p_metadata, '{}'::jsonb), p_external_id,
              'pending', p_provisioning_status)
      returning * into v_row;
      return v_row;
    exception when unique_violation then
      get stacked diagnostics v_constraint = constraint_name;
      -- on Citus the constraint is named after the shard (tenants_slug_key_102012), or not at
      -- all when the worker raised it: then the slug's owner, now committed, says it
      if coalesce(v_constraint, '') !~ '^tenants_slug_key(_[0-9]+)?$'
         and not exists (select 1 from tenantd.tenants t where t.slug = v_candidate) then
        raise;
      end if;
      if p_slug is not null then
        raise exception using errcode = 'TDC12',
          message = format('slug %s is already taken', p_slug);
      end if;
    end;
  end loop;
end
$$;

revoke all on function tenantd.insert_tenant(text, text, text, text, jsonb, text, text) from public;
grant execute on function tenantd.insert_tenant(text, text, text, text, jsonb, text, text) to tenantd_app;
