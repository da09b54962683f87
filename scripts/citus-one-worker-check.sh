#!/usr/bin/env bash
# Does a tenant's request touch only the worker that holds the tenant's shards?
#   scripts/citus-one-worker-check.sh CLUSTER_DIR   (a cluster of scripts/citus-cluster.sh,
#   migrated, distributed and seeded with tests/sql-citus/seed.sql)
# The other worker refuses every new connection of tenantd_app and tenantd_owner (connection
# limit 0, set on that worker alone); then citus-north's admin lists citus-north's members
# through api.list_members on the coordinator. It must answer 200. As a control, the same call
# for citus-south (whose shards are on the refusing worker) must fail, which shows the refusal
# works. The limits are lifted afterwards, also on failure.
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

call() {  # call SLUG ADMIN_ID: the status of api.list_members, or the error
  psql -X -qtA -v ON_ERROR_STOP=1 -d "$app" -c "select status from api.list_members(jsonb_build_object(
    'refs', jsonb_build_array('$1'), 'user_id', '$2', 'role', 'tenant_admin', 'request_id', 'one-worker',
    'route', 'GET /v1/members', 'client', '127.0.0.1', 'permission', 'members:read'), 50, null, null, null)" 2>&1
}
north=$(call citus-north cccc0000-0000-4000-8000-00000000000a)
south=$(call citus-south cccc0000-0000-4000-8000-00000000000b)
echo "one-worker: $other refuses tenantd_app and tenantd_owner"
echo "one-worker: citus-north (shards elsewhere): $north"
echo "one-worker: citus-south (shards on $other, control): $south"
case "$south" in *"too many connections"*) ;; *) echo "one-worker: the control did not fail; the check proves nothing"; exit 1 ;; esac
[ "$north" = 200 ]
