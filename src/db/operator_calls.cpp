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

std::vector<Row> rls_audit(pqxx::connection& c) {
  pqxx::nontransaction tx(c);
  return rows(tx.exec("select problem, object, detail from tenantd.rls_audit() order by 1, 2, 3"));
}

}  // namespace tenantd::db::operator_calls
