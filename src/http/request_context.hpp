#pragma once
#include <rapidjson/document.h>

#include <map>
#include <optional>
#include <string>

#include "db/api_call.hpp"
#include "db/tenant_tx.hpp"
#include "http/principal.hpp"
#include "http/response.hpp"
#include "http/services.hpp"

namespace tenantd {

// Everything a handler needs to know about one request, built by the HTTP boundary.
struct RequestContext {
  Services& svc;
  std::string request_id;
  std::string method;
  std::string path;
  std::string route;  // the matched route template, e.g. /v1/users/{id}
  std::map<std::string, std::string> params;
  std::map<std::string, std::string> query;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string client_address;                  // peer IP (scope of public idempotency keys)
  std::string body;
  rapidjson::Document json;  // parsed body (object), when the request had one
  bool has_json = false;
  std::optional<Principal> principal;
  db::TenantContext tenant_ctx;  // refs resolved by the HTTP layer; resolved to an id in the database
  std::string tenant_id;         // set by handlers once the transaction resolved it (for the access log)
  // The context every api.* call carries as its first argument (tenantd.enter): built once by
  // the dispatcher from the token, the tenant references and the route table's options.
  std::string context_json;

  const std::string* param(const std::string& name) const {
    auto it = params.find(name);
    return it == params.end() ? nullptr : &it->second;
  }
  const std::string* header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? nullptr : &it->second;
  }
  std::optional<std::string> query_value(const std::string& name) const {
    auto it = query.find(name);
    if (it == query.end()) return std::nullopt;
    return it->second;
  }
};

}  // namespace tenantd
