#!/usr/bin/env bash
# Does a tenant's request touch only the worker that holds the tenant's shards?
#   scripts/citus-one-worker-check.sh CLUSTER_DIR   (a cluster of scripts/citus-cluster.sh,
#   migrated, distributed and seeded with tests/sql-citus/seed.sql)
# The other worker refuses every new connection of tenantd_app and tenantd_owner (connection
# limit 0, set on that worker alone); then citus-north's admin calls endpoint functions on the
# coordinator (list and get members, list roles, /v1/me, invitations, audit log, configuration, onboarding,
# entitlements). Each must answer 200. As a control, api.list_members for citus-south (whose
# shards are on the refusing worker) must fail, which shows the refusal works. The limits are
# lifted afterwards, also on failure.
set -uo pipefail
ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
dir=${1:?usage: citus-one-worker-check.sh CLUSTER_DIR}
url() { "$ROOT/scripts/citus-cluster.sh" url "$dir" "$@"; }
coord=$(url postgres)
app=$(url tenantd_app)

north_port=$(psql -X -qtA -d "$coord" -c "select n.nodeport from tenantd.tenants t
  join pg_dist_placement p on p.shardid = get_shard_id_for_distribution_column('tenantd.memberships', t.id)
  join pg_dist_node n on n.groupid = p.groupid where t.slug = 'citus-north'")
other=worker1
[ "$("$ROOT/scripts/citus-cluster.sh" port "$dir" worker1)" = "$north_port" ] && other=worker2
other_url=$(url postgres "$other")
limit() {
  psql -X -q -d "$other_url" -c 'set citus.enable_ddl_propagation = off' \
    -c "alter role tenantd_app connection limit $1" -c "alter role tenantd_owner connection limit $1"
}
trap 'limit -1' EXIT
limit 0 || exit 1

ctx() {  # ctx SLUG ADMIN_ID ROUTE [PERMISSION]: the context the dispatcher builds for the request
  echo "jsonb_build_object('refs', jsonb_build_array('$1'), 'user_id', '$2', 'role', 'tenant_admin',
    'request_id', 'one-worker', 'route', '$3', 'client', '127.0.0.1'${4:+, 'permission', '$4'})"
}
# In autocommit, one statement, as the service calls them: the workers get the context only
# because tenantd.propagate_context makes the transaction a coordinated one
# (tenantd.citus_transaction_block); without it every read answered empty here.
call() {  # call SQL [COLUMN]: what the endpoint function answers (status by default), or the error
  psql -X -qtA -v ON_ERROR_STOP=1 -d "$app" -c "select ${2:-status} from $1" 2>&1 | head -1
}
N=citus-north NA=cccc0000-0000-4000-8000-00000000000a
south=$(call "api.list_members($(ctx citus-south cccc0000-0000-4000-8000-00000000000b 'GET /v1/users' members:read), 50, null, null, null)")
echo "one-worker: $other refuses tenantd_app and tenantd_owner"
echo "one-worker: citus-south (shards on $other, control): api.list_members: $south"
case "$south" in *"too many connections"*) ;; *) echo "one-worker: the control did not fail; the check proves nothing"; exit 1 ;; esac
# citus-north's endpoints (those listed as failing on Citus in tests/sql-citus/86 are left
# out: they fail on any cluster, docs/scale-out.md)
failed=0
check() {  # check NAME EXPECTED SQL
  local got
  got=$(call "$3")
  echo "one-worker: citus-north (shards elsewhere): $1: $got"
  [ "$got" = "$2" ] || failed=1
}
check list_members 200 "api.list_members($(ctx $N $NA 'GET /v1/users' members:read), 50, null, null, null)"
check get_member 200 "api.get_member($(ctx $N $NA 'GET /v1/users/{id}'), '$NA')"
check list_roles 200 "api.list_roles($(ctx $N $NA 'GET /v1/roles'), 50, null)"
check get_me 200 "api.get_me($(ctx $N $NA 'GET /v1/me'))"
check list_invitations 200 "api.list_invitations($(ctx $N $NA 'GET /v1/invitations' invitations:write), 50, null, null, null)"
check list_audit_log 200 "api.list_audit_log($(ctx $N $NA 'GET /v1/audit-log' audit:read), 50, null, null, null, null, null, null, null, null)"
check list_config 200 "api.list_config($(ctx $N $NA 'GET /v1/config'))"
check list_config_type 200 "api.list_config_type($(ctx $N $NA 'GET /v1/config/{type}'), 'general')"
check get_onboarding 200 "api.get_onboarding($(ctx $N $NA 'GET /v1/onboarding'))"
check get_entitlements 200 "api.get_entitlements($(ctx $N $NA 'GET /v1/entitlements'))"
# and the answer has the tenant's rows, read on the worker that holds them
members=$(call "api.list_members($(ctx $N $NA 'GET /v1/users' members:read), 50, null, null, null)" body)
echo "one-worker: citus-north: api.list_members body: $members"
case "$members" in *north-admin@citus.test*) ;; *) failed=1 ;; esac
[ "$failed" = 0 ]
