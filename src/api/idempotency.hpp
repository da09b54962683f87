#pragma once
#include <optional>
#include <string>

#include "db/tenant_tx.hpp"
#include "http/request_context.hpp"

namespace tenantd::api {

// Idempotency-Key handling for POSTs that create things (IETF httpapi draft semantics). The
// record commits with the effect, in the handler's own transaction:
//   Idempotency idem = idempotency_for(ctx);           // 400 for a malformed key
//   db::TenantTx tx(...);
//   if (auto replay = idem.begin(tx)) return *replay;  // 'Idempotent-Replayed: true'
//   ... effect ...; Response res = ...;
//   idem.finish(tx, res); tx.commit(); return res;
// Without the header every call is a no-op.
class Idempotency {
 public:
  bool active() const { return !key_.empty(); }
  std::optional<Response> begin(db::TenantTx& tx) const;
  void finish(db::TenantTx& tx, const Response& res) const;

 private:
  friend Idempotency idempotency_for(const RequestContext& ctx);
  std::string scope_in(const db::TenantTx& tx) const;
  std::string scope_, key_, fingerprint_;  // key_: SHA-256 (hex) of the Idempotency-Key
  int ttl_seconds_ = 86400;
};

// Scope: the principal (subject and tenant claim) or, on public routes, the client address;
// plus the tenant the transaction resolved (begin/finish). Stored key: SHA-256 of the header
// value, never the value. Fingerprint: SHA-256 of method, path and body.
Idempotency idempotency_for(const RequestContext& ctx);

}  // namespace tenantd::api
