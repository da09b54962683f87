-- api.get_export(ctx, id, link_ttl_seconds): GET /v1/export/{id}. The export's status (queued,
-- running, done, failed) and row counts; when done, a download link
-- `/v1/export/{id}/download?token=…` (in the spelling the request used: an operator's names the
-- tenant) valid for link_ttl_seconds (EXPORT_LINK_TTL_SECONDS). The
-- token is made here (tenantd.new_invitation_token: 256 bits from the strong RNG), answered
-- once and stored only as its SHA-256: each GET of a finished export issues a new link, and the
-- previous link stops working. Another tenant's export answers like a missing one.
--   TDC20 export_not_found
create or replace function api.get_export(ctx jsonb, p_id uuid, p_link_ttl_seconds integer) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_export tenantd.tenant_exports;
  v_token text;
  v_body jsonb;
  v_ttl integer := least(greatest(coalesce(p_link_ttl_seconds, 900), 1), 604800);
begin
  perform tenantd.enter(ctx);
  perform tenantd.require_permission('export:create', 'reading an export');
  select * into v_export from tenantd.tenant_exports e
   where e.tenant_id = tenantd.current_tenant_id() and e.id = p_id;
  if not found then
    raise exception using errcode = 'TDC20', message = 'no such export in this tenant';
  end if;
  v_body := tenantd.export_json(v_export);
  if v_export.status = 'done' then
    v_token := tenantd.new_invitation_token();
    update tenantd.tenant_exports e
       set link_token_hash = sha256(convert_to(v_token, 'UTF8')),
           link_expires_at = now() + make_interval(secs => v_ttl)
     where e.tenant_id = v_export.tenant_id and e.id = v_export.id
    returning * into v_export;
    v_body := v_body || jsonb_build_object('download', jsonb_build_object(
                'url', case when ctx ->> 'route' like '% /v1/tenants/{tenant}/%'
                            then '/v1/tenants/' || v_export.tenant_id::text else '/v1' end
                       || '/export/' || v_export.id::text || '/download?token=' || v_token,
                'expires_at', tenantd.rfc3339(v_export.link_expires_at)));
  end if;
  return tenantd.reply(200, v_body::json);
end
$$;

revoke all on function api.get_export(jsonb, uuid, integer) from public;
grant execute on function api.get_export(jsonb, uuid, integer) to tenantd_app;
