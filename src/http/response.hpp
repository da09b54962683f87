#pragma once
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "db/api_call.hpp"

namespace tenantd {

class Subscription;

// An HTTP answer as the dispatcher hands it to the endpoint.
struct Response {
  Response() = default;
  Response(int s, std::string b) : status(s), body(std::move(b)) {}
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::map<std::string, std::string> headers;
  // Set for an event stream: the adapter sends the headers, then hands the open response to
  // it (Subscription::attach) instead of sending `body`.
  std::shared_ptr<Subscription> stream;
};

// An api.* call's answer as it goes to the client: status, JSON body and headers unchanged.
inline Response reply_response(db::Reply&& reply) {
  Response res(reply.status, std::move(reply.body));
  for (auto& [name, value] : reply.headers) res.headers[name] = std::move(value);
  return res;
}

}  // namespace tenantd
