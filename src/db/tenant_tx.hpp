#pragma once
#include <memory>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "db/pool.hpp"
#include "db/statements.hpp"

namespace tenantd::db {

// Who a request acts as. Every value is canonical (uuids, slugs, role words and request ids
// checked by the HTTP layer) before it gets here.
struct TenantContext {
  std::vector<std::string> tenant_refs;  // uuid or slug, in resolution order
  std::string user_id;                   // uuid or empty
  std::string role;                      // the token's role claim: can only narrow the membership's
  std::string subject;                   // the token's sub (checked against registered operators)
  std::string request_id;
  std::string route;
  // A suspended or soft-deleted tenant answers every request with 403 tenant_suspended, decided
  // from enter_context's answer in the same round trip. The few handlers that manage such
  // tenants (a super_admin reading, patching, activating, suspending or deleting one; the global
  // /v1/tenants routes) set this before opening their TenantTx.
  bool allow_inactive = false;
};

// One request = one transaction on one pooled connection. The constructor sends BEGIN and
// tenantd.enter_context(...) in a single round trip; that function resolves the tenant,
// checks that every reference agrees, checks the principal against the database (membership
// and user enabled, operator registered; 401 membership_revoked / operator_not_registered)
// and sets app.* with set_config(..., true), so the context ends with the transaction.
// Destroying an uncommitted TenantTx rolls back.
class TenantTx {
 public:
  TenantTx(ConnectionPool& pool, const TenantContext& ctx);
  ~TenantTx();
  TenantTx(const TenantTx&) = delete;
  TenantTx& operator=(const TenantTx&) = delete;

  // Runs the statement registered as `name`: the named statement, or (DB_PREPARED_STATEMENTS
  // false) the same text as an unnamed one, which survives a transaction pooler.
  template <typename... Args>
  pqxx::result exec_prepared(const std::string& name, Args&&... args) {
    if (!prepared_statements()) {
      const std::string& sql = statement_sql(name);
      return guard([&] { return tx_->exec_params(sql, std::forward<Args>(args)...); });
    }
    return guard([&] { return tx_->exec_prepared(name, std::forward<Args>(args)...); });
  }
  pqxx::result exec(const std::string& sql) {
    return guard([&] { return tx_->exec(sql); });
  }
  void commit();

  // Tenant the context resolved to (empty when none), and its state (tenantd.tenant_state:
  // a status, or "deleted").
  const std::string& tenant_id() const { return tenant_id_; }
  const std::string& tenant_status() const { return tenant_status_; }
  // The effective role enter_context decided: the membership's current role (the token's claim
  // only narrows it), super_admin for a registered operator, empty for anonymous requests.
  // Handlers decide by this, never by the token's claim.
  const std::string& role() const { return role_; }
  bool is_super_admin() const { return role_ == "super_admin"; }
  pqxx::connection& conn() { return lease_.conn(); }

 private:
  template <typename F>
  pqxx::result guard(F&& f) {
    try {
      return f();
    } catch (const pqxx::broken_connection&) {
      lease_.mark_broken();
      throw;
    }
  }
  void begin(const TenantContext& ctx);
  void abort_quietly() noexcept;

  Lease lease_;
  std::unique_ptr<pqxx::nontransaction> tx_;
  bool open_ = false;
  std::string tenant_id_;
  std::string tenant_status_;
  std::string role_;
};

}  // namespace tenantd::db
