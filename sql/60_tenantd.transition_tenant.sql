-- tenantd.transition_tenant(id, target, reason): the tenant lifecycle state machine. Every
-- status change of a tenant goes through here (API: POST /v1/tenants/{id}/activate, /suspend,
-- DELETE /v1/tenants/{id}; provisioning and onboarding may call it too), so psql and the API
-- obey the same table:
--
--   from \ to      provisioning  active  suspended  inactive  failed  deleted
--   pending             x           x        x                   x        x
--   provisioning                    x                            x        x
--   active                                   x          x                 x
--   suspended                       x                   x                 x
--   inactive                        x        x                            x
--   failed              x                                                 x
--   deleted         (terminal: the data is kept, nothing leaves this state)
--
-- Nothing returns to pending, and a state never "transitions" to itself. "deleted" is not a
-- status value: it is deleted_at being set (soft delete), and status keeps the state the tenant
-- was in. The current state is therefore `case when deleted_at is not null then 'deleted' else
-- status end`, which tenantd.tenant_state computes.
--
-- Side effects: status (or deleted_at), status_reason = reason; activated_at when entering
-- active and suspended_at when entering suspended (both kept afterwards, as history); one audit
-- row (tenant.activated, tenant.suspended, tenant.deactivated, tenant.deleted,
-- tenant.provisioning, tenant.failed) with {from, to, reason}. Returns the updated row.
--
-- Errors: TD403 the caller is not a super admin (nor tenantd_owner: migrations, DBAs, definer
-- functions such as onboarding's auto-activation); TD404 tenant_not_found; TD409
-- invalid_transition; TD422 an unknown target or a reason longer than 500 characters.
-- Security invoker: the super admin's own policies (tenants.update_as_super_admin) apply.
create or replace function tenantd.transition_tenant(p_id uuid, p_target text, p_reason text default null)
returns tenantd.tenants
language plpgsql volatile
as $$
declare
  v_row tenantd.tenants%rowtype;
  v_from text;
  v_verb text;
  -- now() through a variable: Citus refuses a modification with a non-immutable function in a CASE
  v_now timestamptz := now();
begin
  if p_target is null
     or p_target not in ('pending', 'provisioning', 'active', 'suspended', 'inactive', 'failed', 'deleted') then
    raise exception using errcode = 'TD422',
      message = format('unknown tenant state %s', coalesce(quote_literal(p_target), 'null'));
  end if;
  if length(p_reason) > 500 then
    raise exception using errcode = 'TD422', message = 'reason must be at most 500 characters';
  end if;
  if not (tenantd.is_super_admin() or pg_catalog.pg_has_role(current_user, 'tenantd_owner', 'member')) then
    raise exception using errcode = 'TD403', message = 'only a super admin may change a tenant''s status';
  end if;

  -- the row lock serialises concurrent transitions of one tenant: the second sees the first's
  -- result and is judged against it
  -- "for no key update", not "for update": the request already holds a key-share lock on this
  -- row when a super admin's entry wrote its audit row (the audit_log foreign key), and two such
  -- requests each upgrading to "for update" deadlock. The change below touches no key column.
  select * into v_row from tenantd.tenants t where t.id = p_id for no key update;
  if not found then
    raise exception using errcode = 'TDN05', message = 'no such tenant';
  end if;
  v_from := tenantd.tenant_state(v_row.status, v_row.deleted_at);

  v_verb := case p_target
    when 'provisioning' then 'provision' when 'active' then 'activate'
    when 'suspended' then 'suspend' when 'inactive' then 'deactivate'
    when 'failed' then 'fail' when 'deleted' then 'delete' else 'reset' end;
  if not exists (
    select 1
      from (values
        ('pending', 'provisioning'), ('pending', 'active'), ('pending', 'suspended'),
        ('pending', 'failed'), ('pending', 'deleted'),
        ('provisioning', 'active'), ('provisioning', 'failed'), ('provisioning', 'deleted'),
        ('active', 'suspended'), ('active', 'inactive'), ('active', 'deleted'),
        ('suspended', 'active'), ('suspended', 'inactive'), ('suspended', 'deleted'),
        ('inactive', 'active'), ('inactive', 'suspended'), ('inactive', 'deleted'),
        ('failed', 'provisioning'), ('failed', 'deleted')
      ) as allowed (from_state, to_state)
     where allowed.from_state = v_from and allowed.to_state = p_target)
  then
    raise exception using errcode = 'TDC07',
      message = format('cannot %s %s %s tenant%s', v_verb,
                       case when v_from ~ '^[aeiou]' then 'an' else 'a' end, v_from,
                       case when p_target = 'pending' then ' to pending' else '' end);
  end if;

  update tenantd.tenants t
     set status = case when p_target = 'deleted' then t.status else p_target end,
         deleted_at = case when p_target = 'deleted' then v_now else t.deleted_at end,
         activated_at = case when p_target = 'active' then v_now else t.activated_at end,
         suspended_at = case when p_target = 'suspended' then v_now else t.suspended_at end,
         status_reason = p_reason
   where t.id = p_id
  returning * into v_row;

  perform tenantd.tenant_audit(p_id,
    case p_target
      when 'active' then 'tenant.activated' when 'suspended' then 'tenant.suspended'
      when 'inactive' then 'tenant.deactivated' when 'deleted' then 'tenant.deleted'
      else 'tenant.' || p_target end,
    jsonb_build_object('from', v_from, 'to', p_target, 'reason', p_reason));
  return v_row;
end
$$;

revoke all on function tenantd.transition_tenant(uuid, text, text) from public;
grant execute on function tenantd.transition_tenant(uuid, text, text) to tenantd_app;
