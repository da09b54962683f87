-- tenantd.domain_json(domain row): a domain as the API answers it, with the DNS records the
-- tenant must create. STABLE single-expression SQL, so it is inlined (see docs/architecture.md).
create or replace function tenantd.domain_json(d tenantd.domains) returns json
language sql stable parallel safe
as $$
  select json_build_object(
    'id', d.id,
    'hostname', d.hostname,
    'status', d.status,
    'dns_records', json_build_array(
      json_build_object('type', 'TXT', 'name', '_tenantd-challenge.' || d.hostname, 'value', d.token),
      json_build_object('type', 'CNAME', 'name', d.hostname, 'value', d.cname_target)),
    'attempts', d.attempts,
    'last_checked_at', tenantd.rfc3339(d.last_checked_at),
    'last_error', d.last_error,
    'verified_at', tenantd.rfc3339(d.verified_at),
    'expires_at', tenantd.rfc3339(d.expires_at),
    'created_at', tenantd.rfc3339(d.created_at),
    'updated_at', tenantd.rfc3339(d.updated_at))
$$;

revoke all on function tenantd.domain_json(tenantd.domains) from public;
grant execute on function tenantd.domain_json(tenantd.domains) to tenantd_app, tenantd_readonly;
