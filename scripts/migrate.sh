#!/usr/bin/env bash
# make migrate: apply migrations with the migrator role, then run the RLS audit.
set -euo pipefail
source "$(dirname "$0")/env.sh"
if [ -z "${MIGRATE_DATABASE_URL:-}" ]; then
  if [ -n "${DATABASE_URL:-}" ]; then export MIGRATE_DATABASE_URL=$DATABASE_URL
  else export MIGRATE_DATABASE_URL=$(embedded_url tenantd_migrator); fi
fi
"$BUILD_DIR/tenantd" migrate up --dir "$ROOT"
"$BUILD_DIR/tenantd" policies audit
