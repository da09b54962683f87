#pragma once
// For the few handlers that answer by themselves (router.hpp, HandlerFn): an api.* call's
// answer as a Response (http/response.hpp), and the JSON body of a call whose answer is for
// the service only.
#include <rapidjson/document.h>

#include <stdexcept>
#include <string>
#include <utility>

#include "db/api_call.hpp"
#include "http/response.hpp"

namespace tenantd::api {

using tenantd::reply_response;  // http/response.hpp

// The reply's body as a JSON object; a malformed one is a bug (500), never the client's.
inline rapidjson::Document reply_object(const db::Reply& reply, const char* function) {
  rapidjson::Document d;
  d.Parse(reply.body.c_str(), reply.body.size());
  if (d.HasParseError() || !d.IsObject())
    throw std::runtime_error(std::string(function) + " answered no object");
  return d;
}

// A string member, or "" when absent or null.
inline std::string reply_string(const rapidjson::Value& obj, const char* name) {
  auto it = obj.FindMember(name);
  return it != obj.MemberEnd() && it->value.IsString() ? std::string(it->value.GetString()) : std::string();
}

}  // namespace tenantd::api
