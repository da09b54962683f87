#include <iostream>

#include "cli/commands.hpp"

namespace tenantd::cli {

void print_help() {
  std::cout << R"(tenantd — multi-tenant SaaS platform service

usage: tenantd <command> [options]

commands:
  serve                       run the HTTP API (configuration from the environment; see README)
  migrate up [--reapply]      apply pending migrations, then re-apply sql/ and policies/
  migrate status              list applied and pending migrations; exit 1 while any are pending
  migrate verify              check checksums of applied migrations; exit 1 on any mismatch
  policies audit              print tenantd.rls_audit(); exit 1 when it reports any problem
  worker                      run job workers only (WORKERS threads, at least 1), no HTTP
  jobs list [--state S] [--kind K]
                              list jobs (operator; MIGRATE_DATABASE_URL)
  jobs retry ID               queue a failed job again
  admins add|remove SUBJECT   register or remove a platform operator: a super_admin token is
                              honoured only for a registered subject (MIGRATE_DATABASE_URL)
  admins list                 list registered operators
  keys generate-kek ID        print a new key-encryption key line for KEK_FILE (docs/data-lifecycle.md)
  keys rotate-kek             rewrap every tenant's data key with KEK_FILE's first key; the data
                              is not touched (KEK_FILE or --kek-file; MIGRATE_DATABASE_URL)
  keys rotate-tenant TENANT   queue a job giving the tenant a new data key, its secrets re-sealed
  token --sub ID [--tenant T] [--role R] [--ttl SECONDS]
                              development only: mint an HS256 token with JWT_HS256_SECRET
  --help                      this text

migrate and policies options:
  --dir DIR                   repository root holding migrations/, sql/, policies/ (default: .)
  --database-url URL          default: MIGRATE_DATABASE_URL, else the embedded cluster
)";
}

}  // namespace tenantd::cli
