-- api.download_export(ctx, id, token_hash): GET /v1/export/{id}/download?token=…, the check
-- before the service sends the file: the export is the current tenant's (row-level security),
-- the token's SHA-256 is the one its latest link stored, and the link has not expired. Answers
-- the tenant and the file's name (EXPORT_DIR/<tenant>/<file>), its size and digest (for the service only), and records the
-- download in the audit log in the same statement. A wrong token, a token of another export or
-- of another tenant's export all answer like a missing export.
--   TDC20 export_not_found      TDC21 export_link_expired (410)
create or replace function api.download_export(ctx jsonb, p_id uuid, p_token_hash bytea) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_export tenantd.tenant_exports;
begin
  perform tenantd.enter(ctx);
  perform tenantd.require_permission('export:create', 'downloading an export');
  select * into v_export from tenantd.tenant_exports e
   where e.tenant_id = tenantd.current_tenant_id() and e.id = p_id
     and e.link_token_hash is not null and e.link_token_hash = p_token_hash and e.status = 'done';
  if not found then
    raise exception using errcode = 'TDC20', message = 'no such export in this tenant, or the link is not its latest';
  end if;
  if v_export.link_expires_at <= now() then
    raise exception using errcode = 'TDC21',
      message = 'this download link has expired: GET /v1/export/{id} for a new one';
  end if;
  insert into tenantd.audit_log (tenant_id, action, target_type, target_id, details)
  values (v_export.tenant_id, 'export.downloaded', 'export', v_export.id::text,
          jsonb_build_object('bytes', v_export.file_bytes, 'sha256', v_export.file_sha256));
  return tenantd.reply(200, json_build_object('tenant_id', v_export.tenant_id, 'file', v_export.file_name,
                                              'bytes', v_export.file_bytes, 'sha256', v_export.file_sha256));
end
$$;

revoke all on function api.download_export(jsonb, uuid, bytea) from public;
grant execute on function api.download_export(jsonb, uuid, bytea) to tenantd_app;
