#pragma once
#include <map>
#include <string>
#include <utility>

#include "db/api_call.hpp"

namespace tenantd {

// An HTTP answer as the dispatcher hands it to the endpoint.
struct Response {
  Response() = default;
  Response(int s, std::string b) : status(s), body(std::move(b)) {}
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::map<std::string, std::string> headers;
};

// An api.* call's answer as it goes to the client: status, JSON body and headers unchanged.
inline Response reply_response(db::Reply&& reply) {
  Response res(reply.status, std::move(reply.body));
  for (auto& [name, value] : reply.headers) res.headers[name] = std::move(value);
  return res;
}

}  // namespace tenantd
