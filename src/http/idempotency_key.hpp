#pragma once
#include <optional>
#include <string>

#include "http/request_context.hpp"

namespace tenantd {

// What a request's Idempotency-Key (IETF httpapi draft) becomes before it reaches the
// database. Only SHA-256 of the key is stored: the raw key is a capability (it reveals a
// sign-up's admin invitation token, docs/signup.md), and a database copy must not hand it out.
struct IdempotencyKey {
  // The principal (subject and tenant claim) or, on public routes, the client address. The
  // database appends the tenant the request resolved to (a super admin's one key in two
  // tenants is two keys).
  std::string scope;
  std::string key_hash;     // SHA-256 (hex) of the header value
  std::string fingerprint;  // SHA-256 (hex) of method, path and body
  int ttl_seconds = 86400;
};

// nullopt without the header; ApiError 400 invalid_idempotency_key for a malformed one.
std::optional<IdempotencyKey> idempotency_key_of(const RequestContext& ctx);

// A key is 1–255 printable ASCII characters.
bool valid_idempotency_key(const std::string& key);

}  // namespace tenantd
