#!/usr/bin/env bash
# A throwaway Citus cluster for tests and the bench: a coordinator and two workers, each an
# embedded cluster of scripts/db.sh under DIR, on loopback ports.
#   scripts/citus-cluster.sh start DIR       create and start the three nodes, database tenantd
#                                            with extension citus on each, workers registered;
#                                            prints the coordinator's port
#                                            (a second start of DIR starts the nodes again)
#   scripts/citus-cluster.sh stop DIR        stop the three nodes
#   scripts/citus-cluster.sh destroy DIR     stop the three nodes and remove DIR
#   scripts/citus-cluster.sh url DIR ROLE [NODE]   connection URL (NODE: coordinator (default),
#                                            worker1, worker2)
#   scripts/citus-cluster.sh port DIR [NODE] the node's TCP port
# Citus must be installed (scripts/citus-build.sh).
#
# Between nodes Citus connects over TCP to 127.0.0.1 as the role that runs the query (the app
# role's shard queries run as tenantd_app on the worker, so its grants and policies apply
# there). This cluster trusts loopback TCP for that; a real one uses passwords in
# pg_dist_authinfo or client certificates (docs/scale-out.md).
set -euo pipefail
ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
DB="$ROOT/scripts/db.sh"
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
cmd=${1:?usage: citus-cluster.sh start|destroy|url|port DIR ...}
dir=${2:?missing cluster directory}
nodes=(coordinator worker1 worker2)
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
node_port() { cat "$dir/${1:-coordinator}.port"; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
psql_node() {
  local node=$1; shift
  as_pg "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir/$node/run" -p "$(node_port "$node")" \
    -U postgres -d tenantd "$@"
}

case "$cmd" in
  start)
    for node in "${nodes[@]}"; do
      [ -f "$dir/$node.port" ] || free_port >"$dir/$node.port"
      # Citus hooks the planner and executor, so it must be preloaded. max_prepared_transactions:
      # a transaction that writes on two nodes commits with two-phase commit.
      TENANTD_PG_CONF_EXTRA="shared_preload_libraries = 'citus'
max_prepared_transactions = 100
citus.log_remote_commands = off" TENANTD_PG_HOST_AUTH=trust \
        "$DB" init "$dir/$node" "$(node_port "$node")" >/dev/null
      psql_node "$node" -c 'set client_min_messages = warning' -c 'create extension if not exists citus'
    done
    # Registered once; a second start of the same DIR finds them there.
    psql_node coordinator >/dev/null <<SQL
set client_min_messages = warning;
select citus_set_coordinator_host('127.0.0.1', $(node_port coordinator));
select citus_add_node('127.0.0.1', $(node_port worker1));
select citus_add_node('127.0.0.1', $(node_port worker2));
-- The migrator was created on each node by db.sh, before Citus knew it, so Citus would not
-- forward grants to it (migration 0001 grants it tenantd_owner). A reference table it owns
-- makes Citus adopt it as a distributed role (a table's owner is one of its dependencies).
create table if not exists public.citus_adopt_migrator (id int primary key);
alter table public.citus_adopt_migrator owner to tenantd_migrator;
select create_reference_table('public.citus_adopt_migrator');
drop table public.citus_adopt_migrator;
-- Citus reaches the workers as the role that runs the statement, and migrations and SECURITY
-- DEFINER functions run as tenantd_owner: on a cluster it must be able to log in (to the
-- workers; pg_hba decides from where). Created here, before migration 0001, which then finds it.
-- The login roles too, as production creates them beforehand (migrations 0001 and 0039 create
-- them only when absent): a role created inside a migration's transaction is not yet visible
-- on the workers to the owner's connections of the same transaction.
select format('create role %I login nosuperuser nocreatedb nocreaterole nobypassrls noreplication%s', r,
              case when r = 'tenantd_owner' then '' else format(' password %L', r) end)
  from unnest(array['tenantd_owner', 'tenantd_app', 'tenantd_readonly', 'tenantd_worker']) r
 where not exists (select 1 from pg_roles where rolname = r)
\gexec
SQL
    # Citus serialises a write on a table with a foreign key to a reference table by locking the
    # referenced table's shard on every node (lock_shard_resources), and checks there that the
    # writing role may UPDATE, DELETE or TRUNCATE the referenced table: tenantd_app writing
    # tenants, api_keys or domains was refused on plans, which it may only read ("permission
    # denied for table plans"). The setting lets these roles take that internal lock without the
    # check; it reads and writes nothing (superuser only, so set here, on every node).
    for node in "${nodes[@]}"; do
      for role in tenantd_app tenantd_worker; do
        psql_node "$node" -c "alter role $role in database tenantd set citus.skip_advisory_lock_permission_checks = on"
      done
    done
    node_port coordinator
    ;;
  stop)
    for node in "${nodes[@]}"; do "$DB" stop "$dir/$node"; done ;;
  destroy)
    for node in "${nodes[@]}"; do "$DB" destroy "$dir/$node"; done
    rm -rf "$dir" ;;
  url)
    role=${3:?missing role}
    node=${4:-coordinator}
    "$DB" url "$dir/$node" "$(node_port "$node")" "$role" ;;
  port) node_port "${3:-coordinator}" ;;
  *) echo "citus-cluster.sh: unknown command $cmd" >&2; exit 2 ;;
esac
