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
cat <<MSG
tenantd is starting on http://$LISTEN_ADDR  (stop with Ctrl-C; 'make db-stop' stops PostgreSQL)
  curl http://$LISTEN_ADDR/healthz
A development token (super_admin, 1 hour), minted with the local secret in var/dev-secret:
  export TOKEN=\$(JWT_HS256_SECRET=\$(cat var/dev-secret) $BUILD_DIR/tenantd token --sub ops@example.com --role super_admin)
  curl -H "Authorization: Bearer \$TOKEN" http://$LISTEN_ADDR/v1/me
  curl -H "Authorization: Bearer \$TOKEN" http://$LISTEN_ADDR/v1/tenants/<tenant id or slug>/users
MSG
exec "$BUILD_DIR/tenantd" serve
