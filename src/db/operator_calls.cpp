#include "db/operator_calls.hpp"

namespace tenantd::db::operator_calls {
namespace {

std::vector<Row> rows(const pqxx::result& r) {
  std::vector<Row> out;
  for (const auto& row : r) {
    Row o;
    for (const auto& f : row) o.cells.emplace_back(f.is_null() ? "" : f.c_str());
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace

std::vector<Row> list_platform_admins(pqxx::connection& c) {
  pqxx::nontransaction tx(c);
  return rows(
      tx.exec("select subject, created_at::text, created_by from tenantd.platform_admins order by subject"));
}

bool add_platform_admin(pqxx::connection& c, const std::string& subject) {
  pqxx::nontransaction tx(c);
  return tx.exec_params("select tenantd.add_platform_admin($1)", subject)[0][0].as<bool>();
}

bool remove_platform_admin(pqxx::connection& c, const std::string& subject) {
  pqxx::nontransaction tx(c);
  return tx.exec_params("select tenantd.remove_platform_admin($1)", subject)[0][0].as<bool>();
}

std::vector<Row> list_jobs(pqxx::connection& c, const std::string& state, const std::string& kind) {
  pqxx::nontransaction tx(c);
  return rows(
      tx.exec_params("select id, kind, state, attempts, max_attempts, run_at::text, coalesce(last_error, '') "
                     "from tenantd.list_jobs(nullif($1, ''), nullif($2, ''), null, 200)",
                     state, kind));
}

bool retry_job(pqxx::connection& c, long long id) {
  pqxx::nontransaction tx(c);
  return tx.exec_params("select tenantd.retry_job($1)", id)[0][0].as<bool>();
}

std::vector<Row> data_keys_to_rewrap(pqxx::connection& c, const std::string& kek_id,
                                     const std::string& after_tenant, const std::string& after_id,
                                     int limit) {
  pqxx::nontransaction tx(c);
  return rows(
      tx.exec_params("select tenant_id, id, kek_id, wrapped_key "
                     "from tenantd.data_keys_to_rewrap($1, nullif($2, '')::uuid, nullif($3, '')::uuid, $4)",
                     kek_id, after_tenant, after_id, limit));
}

std::optional<long long> enqueue_key_rotation(pqxx::connection& c, const std::string& tenant) {
  pqxx::nontransaction tx(c);
  auto r = tx.exec_params(
      "select tenantd.enqueue_job('tenant.rotate_key', jsonb_build_object('tenant_id', t.id)) "
      "from tenantd.tenants t where t.id = tenantd.parse_uuid($1) or t.slug = $1",
      tenant);
  if (r.empty()) return std::nullopt;
  return r[0][0].as<long long>();
}

bool rewrap_data_key(pqxx::connection& c, const std::string& tenant, const std::string& id,
                     const std::string& old_kek, const std::string& old_wrapped, const std::string& new_kek,
                     const std::string& new_wrapped) {
  pqxx::nontransaction tx(c);
  return tx
      .exec_params("select tenantd.rewrap_data_key($1, $2, $3, $4, $5, $6)", tenant, id, old_kek, old_wrapped,
                   new_kek, new_wrapped)[0][0]
      .as<bool>();
}

std::vector<Row> rls_audit(pqxx::connection& c) {
  pqxx::nontransaction tx(c);
  return rows(tx.exec("select problem, object, detail from tenantd.rls_audit() order by 1, 2, 3"));
}

}  // namespace tenantd::db::operator_calls
