#include "db/tenant_tx.hpp"

#include <spdlog/spdlog.h>

#include "http/problem.hpp"

namespace tenantd::db {
namespace {

// A connection whose backend is gone (terminated, restarted) shows up as broken_connection
// or as an error of class 08 (connection) / 57 (operator intervention).
bool is_connection_loss(const pqxx::sql_error& e) {
  const std::string s = e.sqlstate();
  return s.rfind("08", 0) == 0 || s.rfind("57P", 0) == 0;
}

std::string enter_sql(pqxx::connection& c, const TenantContext& ctx) {
  std::string refs = "array[";
  for (size_t i = 0; i < ctx.tenant_refs.size(); ++i) {
    if (i) refs += ",";
    refs += c.quote(ctx.tenant_refs[i]);
  }
  refs += "]::text[]";
  return "begin; select tenant_id, tenant_status, problem, effective_role from tenantd.enter_context(" +
         refs + ", " + c.quote(ctx.user_id) + ", " + c.quote(ctx.role) + ", " + c.quote(ctx.request_id) +
         ", " + c.quote(ctx.route) + ", " + c.quote(ctx.subject) + ")";
}

}  // namespace

TenantTx::TenantTx(ConnectionPool& pool, const TenantContext& ctx) : lease_(pool.acquire()) {
  // Nothing has happened in the transaction yet when BEGIN fails, so a connection lost while
  // idle in the pool (pg_terminate_backend, server restart) is replaced and the request goes on.
  for (int attempt = 0;; ++attempt) {
    try {
      begin(ctx);
      return;
    } catch (const pqxx::broken_connection&) {
      if (attempt >= 1) {
        lease_.mark_broken();
        throw;
      }
    } catch (const pqxx::sql_error& e) {
      if (attempt >= 1 || !is_connection_loss(e)) {
        abort_quietly();
        throw;
      }
    } catch (...) {
      // The destructor does not run for a throwing constructor: roll back here so that the
      // connection never goes back to the pool inside an open transaction.
      abort_quietly();
      throw;
    }
    spdlog::warn("{{\"event\":\"db_reconnect\",\"slot\":{}}}", lease_.slot());
    tx_.reset();
    open_ = false;
    lease_.reconnect();
  }
}

void TenantTx::abort_quietly() noexcept {
  if (!open_ || !tx_) return;
  open_ = false;
  try {
    tx_->exec("rollback");
  } catch (...) {
    // The connection is unusable if even ROLLBACK fails; drop it rather than reuse it.
    lease_.mark_broken();
  }
}

void TenantTx::begin(const TenantContext& ctx) {
  tx_ = std::make_unique<pqxx::nontransaction>(lease_.conn());
  const std::string sql = enter_sql(lease_.conn(), ctx);
  open_ = true;
  pqxx::result r = tx_->exec(sql);
  if (r.size() != 1) throw std::runtime_error("enter_context returned " + std::to_string(r.size()) + " rows");
  const auto& row = r[0];
  if (!row[2].is_null()) {
    const std::string problem = row[2].c_str();
    if (problem == "tenant_mismatch") {
      throw ApiError("tenant_mismatch", "the request names a tenant other than the token's tenant");
    }
    if (problem == "tenant_not_found") throw ApiError("tenant_not_found", "no such tenant");
    // The token verified, but the database no longer backs it: fail closed with 401 so that the
    // client signs in again (and gets a token for what it is now).
    if (problem == "membership_revoked") {
      throw ApiError("membership_revoked",
                     "the token's user or its membership in this tenant no longer exists or is disabled",
                     {{"WWW-Authenticate", "Bearer error=\"invalid_token\""}});
    }
    if (problem == "operator_not_registered") {
      throw ApiError("operator_not_registered", "the token's subject is not a registered platform operator",
                     {{"WWW-Authenticate", "Bearer error=\"invalid_token\""}});
    }
    throw ApiError(problem, "the request context is invalid");
  }
  tenant_id_ = row[0].is_null() ? "" : row[0].c_str();
  tenant_status_ = row[1].is_null() ? "" : row[1].c_str();
  role_ = row[3].is_null() ? "" : row[3].c_str();
  if (!ctx.allow_inactive && (tenant_status_ == "suspended" || tenant_status_ == "deleted")) {
    // Thrown inside the constructor, which rolls back: nothing enter_context wrote (a
    // super_admin.access audit row) survives the refusal.
    throw ApiError("tenant_suspended",
                   tenant_status_ == "deleted" ? "this tenant has been deleted" : "this tenant is suspended");
  }
}

void TenantTx::commit() {
  guard([&] { return tx_->exec("commit"); });
  open_ = false;
}

TenantTx::~TenantTx() {
  abort_quietly();
}

}  // namespace tenantd::db
