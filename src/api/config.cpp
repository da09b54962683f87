// /v1/config: per-tenant configuration and feature flags. Validation of types, keys, sizes and
// permissions lives in SQL (tenantd.list_config, put_config, delete_config behind the api.*
// endpoint functions); the handlers check the body and convert it into arguments.
#include "api/config.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "api/input.hpp"
#include "http/problem.hpp"

namespace tenantd::api {

namespace {

// PostgreSQL's jsonb cannot hold U+0000 in strings; refused here as bad input rather than
// left to surface as a database error. (The body parser refuses it already; this stays as the
// handler's own guarantee.) Recursive, and bounded: request documents are at most
// util::kMaxJsonDepth deep (util/json_parse.hpp).
bool contains_nul(const rapidjson::Value& v) {
  if (v.IsString()) return std::string(v.GetString(), v.GetStringLength()).find('\0') != std::string::npos;
  if (v.IsArray()) {
    for (const auto& e : v.GetArray()) {
      if (contains_nul(e)) return true;
    }
  }
  if (v.IsObject()) {
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
      if (contains_nul(it->name) || contains_nul(it->value)) return true;
    }
  }
  return false;
}

}  // namespace

namespace config {

// api.list_config(ctx)
std::vector<db::Arg> list_all(RequestContext&) {
  return {};
}

// api.list_config_type(ctx, type)
std::vector<db::Arg> list_type(RequestContext& ctx) {
  return {*ctx.param("type")};
}

// api.put_config(ctx, type, key, value, is_active)
std::vector<db::Arg> put_entry(RequestContext& ctx) {
  if (!ctx.has_json) throw ApiError("body_required", "a JSON body {\"value\": …} is required");
  reject_unknown_fields(ctx, {"value", "is_active"});
  auto value_it = ctx.json.FindMember("value");
  if (value_it == ctx.json.MemberEnd()) {
    throw ApiError("missing_field", "field 'value' is required (any JSON value, null included)");
  }
  if (contains_nul(value_it->value)) {
    throw ApiError("validation_failed", "configuration values cannot contain the character U+0000");
  }
  db::Arg is_active;  // NULL: keep the stored flag
  if (auto it = ctx.json.FindMember("is_active"); it != ctx.json.MemberEnd()) {
    if (!it->value.IsBool()) throw ApiError("invalid_field_type", "field 'is_active' must be a boolean");
    is_active = it->value.GetBool() ? "true" : "false";
  }
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  value_it->value.Accept(w);
  return {*ctx.param("type"), *ctx.param("key"), std::string(sb.GetString(), sb.GetSize()), is_active};
}

// api.delete_config(ctx, type, key)
std::vector<db::Arg> delete_entry(RequestContext& ctx) {
  return {*ctx.param("type"), *ctx.param("key")};
}

}  // namespace config

}  // namespace tenantd::api
