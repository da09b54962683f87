#!/usr/bin/env bash
# make run: the database is up and migrated; start tenantd in the foreground.
set -euo pipefail
source "$(dirname "$0")/env.sh"
# The worker role's URL follows DATABASE_URL: the same database as tenantd_worker.
if [ -z "${WORKER_DATABASE_URL:-}" ]; then
  if [ -n "${DATABASE_URL:-}" ]; then export WORKER_DATABASE_URL=$(url_with "$DATABASE_URL" user=tenantd_worker)
  else export WORKER_DATABASE_URL=$(embedded_url tenantd_worker); fi
fi
if [ -z "${DATABASE_URL:-}" ]; then
  export DATABASE_URL=$(embedded_url tenantd_app)
fi
export JWT_HS256_SECRET=${JWT_HS256_SECRET:-$(dev_secret)}
export LISTEN_ADDR=${LISTEN_ADDR:-127.0.0.1:8080}
export MIGRATIONS_DIR=${MIGRATIONS_DIR:-$ROOT/migrations}
# The development operator the token below names: a super_admin claim is honoured only for a
# registered subject (tenantd admins), so register it (idempotent) with the migrator's URL.
if [ -z "${MIGRATE_DATABASE_URL:-}" ]; then
  if [ "$DATABASE_URL" = "$(embedded_url tenantd_app)" ]; then MIGRATE_DATABASE_URL=$(embedded_url tenantd_migrator)
  else MIGRATE_DATABASE_URL=$DATABASE_URL; fi
fi
MIGRATE_DATABASE_URL=$MIGRATE_DATABASE_URL "$BUILD_DIR/tenantd" admins add ops@example.com
cat <<MSG
tenantd is starting on http://$LISTEN_ADDR  (stop with Ctrl-C; 'make db-stop' stops PostgreSQL)
  curl http://$LISTEN_ADDR/healthz
A development token (super_admin ops@example.com, registered above; 1 hour), minted with the local secret in var/dev-secret:
  export TOKEN=\$(JWT_HS256_SECRET=\$(cat var/dev-secret) $BUILD_DIR/tenantd token --sub ops@example.com --role super_admin)
  curl -H "Authorization: Bearer \$TOKEN" http://$LISTEN_ADDR/v1/me
  curl -H "Authorization: Bearer \$TOKEN" http://$LISTEN_ADDR/v1/tenants/<tenant id or slug>/users
MSG
exec "$BUILD_DIR/tenantd" serve
