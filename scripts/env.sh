# Sourced by the make scripts: where the embedded cluster is and how to reach it.
# With DATABASE_URL set, that database is used instead and nothing is started.
ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
TENANTD_PG_DIR=${TENANTD_PG_DIR:-$ROOT/var/pg}
TENANTD_PG_PORT=${TENANTD_PG_PORT:-54329}
export TENANTD_PG_DIR TENANTD_PG_PORT

# Appends libpq parameter $2 to connection URI $1.
url_with() { case "$1" in *\?*) echo "$1&$2" ;; *) echo "$1?$2" ;; esac; }

# ROLE: tenantd_app (DATABASE_URL), tenantd_worker (WORKER_DATABASE_URL: job workers, webhook
# receipt), tenantd_migrator (MIGRATE_DATABASE_URL).
embedded_url() { "$ROOT/scripts/db.sh" url "$TENANTD_PG_DIR" "$TENANTD_PG_PORT" "$1"; }

dev_secret() {
  # A per-checkout development secret for HS256 tokens, kept out of git under var/.
  local f="$ROOT/var/dev-secret"
  if [ ! -s "$f" ]; then mkdir -p "$ROOT/var"; (umask 077; openssl rand -hex 32 >"$f"); fi
  cat "$f"
}
