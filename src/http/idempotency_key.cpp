#include "http/idempotency_key.hpp"

#include "http/problem.hpp"
#include "util/config.hpp"
#include "util/sha256.hpp"

namespace tenantd {

bool valid_idempotency_key(const std::string& key) {
  if (key.empty() || key.size() > 255) return false;
  for (unsigned char c : key) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

std::optional<IdempotencyKey> idempotency_key_of(const RequestContext& ctx) {
  const std::string* header = ctx.header("idempotency-key");
  if (!header) return std::nullopt;
  // The draft's header is a structured-field string: accept it with or without the quotes.
  std::string k = *header;
  if (k.size() >= 2 && k.front() == '"' && k.back() == '"') k = k.substr(1, k.size() - 2);
  if (!valid_idempotency_key(k)) {
    throw ApiError("invalid_idempotency_key", "Idempotency-Key must be 1 to 255 printable ASCII characters");
  }
  IdempotencyKey out;
  out.key_hash = util::sha256_hex(k);
  if (ctx.principal) {
    out.scope = "principal:" + ctx.principal->sub + "|" + ctx.principal->tenant_claim.value_or("");
  } else {
    out.scope = "address:" + ctx.client_address;
  }
  out.fingerprint = util::sha256_hex(ctx.method + "\n" + ctx.path + "\n" + ctx.body);
  out.ttl_seconds = ctx.svc.config.idempotency_ttl_seconds;
  return out;
}

}  // namespace tenantd
