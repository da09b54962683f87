#pragma once
#include <map>
#include <string>

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

}  // namespace tenantd
