#pragma once
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

namespace tenantd::db::operator_calls {

// What the operator commands (src/cli/: `tenantd admins`, `tenantd jobs`, `tenantd policies
// audit`) ask the database, as the migrator role. One statement each.

struct Row {
  std::vector<std::string> cells;  // NULL as ""
};

std::vector<Row> list_platform_admins(pqxx::connection& c);  // subject, created_at, created_by
bool add_platform_admin(pqxx::connection& c, const std::string& subject);
bool remove_platform_admin(pqxx::connection& c, const std::string& subject);
// id, kind, state, attempts, max_attempts, run_at, last_error (state/kind "" = any; 200 newest)
std::vector<Row> list_jobs(pqxx::connection& c, const std::string& state, const std::string& kind);
bool retry_job(pqxx::connection& c, long long id);
std::vector<Row> rls_audit(pqxx::connection& c);  // problem, object, detail
// `tenantd keys rotate-kek`: tenant_id, id, kek_id, wrapped_key of up to `limit` data keys not
// wrapped by `kek_id`, after (after_tenant, after_id) ("" = from the start)
std::vector<Row> data_keys_to_rewrap(pqxx::connection& c, const std::string& kek_id,
                                     const std::string& after_tenant, const std::string& after_id, int limit);
// `tenantd keys rotate-tenant`: queues 'tenant.rotate_key' for the tenant (id or slug); the job id,
// or nullopt when no such tenant.
std::optional<long long> enqueue_key_rotation(pqxx::connection& c, const std::string& tenant);
bool rewrap_data_key(pqxx::connection& c, const std::string& tenant, const std::string& id,
                     const std::string& old_kek, const std::string& old_wrapped, const std::string& new_kek,
                     const std::string& new_wrapped);

}  // namespace tenantd::db::operator_calls
