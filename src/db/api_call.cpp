#include "db/api_call.hpp"

#include <rapidjson/document.h>
#include <spdlog/spdlog.h>

#include <stdexcept>

#include "db/retry_rolled_back.hpp"
#include "db/statement_mode.hpp"

namespace tenantd::db {
namespace {

std::string statement_text(const std::string& function, size_t n_params, bool with_rate_limit) {
  std::string sql = "select r.status, r.body::text, r.headers::text";
  // evaluated per row, after the function in FROM ran (and entered the context)
  if (with_rate_limit) sql += ", tenantd.current_rate_limit()::text";
  sql += " from " + function + "(";
  for (size_t i = 1; i <= n_params; ++i) sql += (i > 1 ? ", $" : "$") + std::to_string(i);
  return sql + ") r";
}

// A connection whose backend is gone shows up as broken_connection or an error of class 08
// (connection) / 57P (operator intervention: terminated, shutting down).
bool is_connection_loss(const pqxx::sql_error& e) {
  const std::string s = e.sqlstate();
  return s.rfind("08", 0) == 0 || s.rfind("57P", 0) == 0;
}

Reply to_reply(const pqxx::result& r, const std::string& function) {
  if (r.size() != 1) throw std::runtime_error(function + " returned " + std::to_string(r.size()) + " rows");
  const auto& row = r[0];
  if (row[0].is_null()) throw std::runtime_error(function + " returned no status");
  Reply reply;
  reply.status = row[0].as<int>();
  if (!row[1].is_null()) reply.body = row[1].c_str();
  if (!row[2].is_null()) {
    rapidjson::Document d;
    d.Parse(row[2].c_str());
    if (d.HasParseError() || !d.IsObject())
      throw std::runtime_error(function + " returned malformed headers");
    for (auto it = d.MemberBegin(); it != d.MemberEnd(); ++it) {
      if (it->value.IsString()) reply.headers.emplace_back(it->name.GetString(), it->value.GetString());
    }
  }
  return reply;
}

}  // namespace

bool is_api_function_name(const std::string& name) {
  if (name.size() < 5 || name.size() > 67 || name.compare(0, 4, "api.") != 0) return false;
  if (!(name[4] >= 'a' && name[4] <= 'z')) return false;
  for (size_t i = 5; i < name.size(); ++i) {
    const char c = name[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

Reply call_api(ConnectionPool& pool, const std::string& function, const std::string& context_json,
               const std::vector<Arg>& args, bool retry_on_lost_connection, std::string* rate_limit) {
  if (!is_api_function_name(function)) throw std::logic_error("not an api function name: " + function);
  // libpq takes NULL as a null pointer; the optionals outlive the call.
  std::vector<const char*> params;
  params.reserve(args.size() + 1);
  params.push_back(context_json.c_str());
  for (const auto& a : args) params.push_back(a ? a->c_str() : nullptr);
  const bool with_rate_limit = rate_limit != nullptr;
  const std::string name = function + "/" + std::to_string(params.size()) + (with_rate_limit ? "+rl" : "");
  const std::string sql = statement_text(function, params.size(), with_rate_limit);

  Lease lease = pool.acquire();
  for (int attempt = 0;; ++attempt) {
    try {
      // The statement is the request's whole transaction: one the database rolled back for a
      // deadlock or a serialization failure did nothing, and is sent again (db/retry_rolled_back.hpp;
      // on Citus writes to linked reference tables deadlock now and then). The last refusal
      // still answers 503 with Retry-After.
      const pqxx::result r = retry_rolled_back(
          3,
          [&] {
            pqxx::nontransaction tx(lease.conn());
            if (prepared_statements()) {
              // Registered lazily (libpqxx sends PREPARE on first use on this connection); the
              // same name always has the same text, which libpqxx accepts again as a no-op.
              lease.conn().prepare(name, sql);
              return tx.exec_prepared(name, pqxx::prepare::make_dynamic_params(params));
            }
            return tx.exec_params(sql, pqxx::prepare::make_dynamic_params(params));
          },
          [&](int run) {
            spdlog::warn("{{\"event\":\"db_rolled_back\",\"function\":\"{}\",\"run\":{}}}", function, run);
          });
      Reply reply = to_reply(r, function);
      if (with_rate_limit) *rate_limit = r[0][3].is_null() ? std::string() : r[0][3].c_str();
      return reply;
    } catch (const pqxx::broken_connection&) {
      lease.mark_broken();
      if (attempt >= 1 || !retry_on_lost_connection) throw;
    } catch (const pqxx::sql_error& e) {
      if (!is_connection_loss(e)) throw;
      lease.mark_broken();
      if (attempt >= 1 || !retry_on_lost_connection) throw;
    }
    spdlog::warn("{{\"event\":\"db_reconnect\",\"slot\":{}}}", lease.slot());
    lease.reconnect();
  }
}

}  // namespace tenantd::db
