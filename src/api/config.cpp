// /v1/config: per-tenant configuration and feature flags. Validation of types, keys, sizes and
// permissions lives in SQL (api.list_config, api.put_config, api.delete_config); the handlers
// parse the body and shape the answer.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "api/input.hpp"
#include "api/config.hpp"
#include "db/statements.hpp"
#include "db/tenant_tx.hpp"
#include "http/problem.hpp"
#include "util/json.hpp"

namespace tenantd::api {

namespace {

const char* const kConfigTypes[] = {"general", "auth", "billing", "features", "integrations"};

// Columns: id, type, key, value, is_active, created_at, updated_at, created_by, updated_by.
void write_entry(util::JsonOut& j, const pqxx::row& row) {
  j.begin_object()
      .str("id", row[0].c_str())
      .str("type", row[1].c_str())
      .str("key", row[2].c_str())
      .raw("value", row[3].c_str())
      .boolean("is_active", row[4].as<bool>())
      .str("created_at", row[5].c_str())
      .str("updated_at", row[6].c_str())
      .str_or_null("created_by", row[7].is_null() ? nullptr : row[7].c_str())
      .str_or_null("updated_by", row[8].is_null() ? nullptr : row[8].c_str())
      .end_object();
}

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

Response list_all(RequestContext& ctx) {
  db::TenantTx tx(ctx.svc.pool, ctx.tenant_ctx);
  ctx.tenant_id = tx.tenant_id();
  auto r = tx.exec_prepared("config_list", "");
  tx.commit();
  // Every type is present, empty when the tenant has none (or the caller may not read them).
  util::JsonOut j;
  j.begin_object();
  for (const char* type : kConfigTypes) {
    j.begin_array(type);
    for (const auto& row : r) {
      if (row[1].c_str() == std::string(type)) write_entry(j, row);
    }
    j.end_array();
  }
  j.end_object();
  return {200, j.take()};
}

Response list_type(RequestContext& ctx) {
  const std::string& type = *ctx.param("type");
  db::TenantTx tx(ctx.svc.pool, ctx.tenant_ctx);
  ctx.tenant_id = tx.tenant_id();
  auto r = tx.exec_prepared("config_list", type);
  tx.commit();
  util::JsonOut j;
  j.begin_object().str("type", type).begin_array("data");
  for (const auto& row : r) write_entry(j, row);
  j.end_array().end_object();
  return {200, j.take()};
}

Response put_entry(RequestContext& ctx) {
  if (!ctx.has_json) throw ApiError("body_required", "a JSON body {\"value\": …} is required");
  reject_unknown_fields(ctx, {"value", "is_active"});
  auto value_it = ctx.json.FindMember("value");
  if (value_it == ctx.json.MemberEnd()) {
    throw ApiError("missing_field", "field 'value' is required (any JSON value, null included)");
  }
  if (contains_nul(value_it->value)) {
    throw ApiError("validation_failed", "configuration values cannot contain the character U+0000");
  }
  std::optional<bool> is_active;
  if (auto it = ctx.json.FindMember("is_active"); it != ctx.json.MemberEnd()) {
    if (!it->value.IsBool()) throw ApiError("invalid_field_type", "field 'is_active' must be a boolean");
    is_active = it->value.GetBool();
  }
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  value_it->value.Accept(w);
  const std::string value(sb.GetString(), sb.GetSize());

  db::TenantTx tx(ctx.svc.pool, ctx.tenant_ctx);
  ctx.tenant_id = tx.tenant_id();
  // libpqxx 6 sends a null const char* as SQL NULL: "keep the stored flag".
  const char* active_param = is_active ? (*is_active ? "true" : "false") : nullptr;
  auto r = tx.exec_prepared("config_put", *ctx.param("type"), *ctx.param("key"), value, active_param);
  if (r.size() != 1) throw std::runtime_error("put_config returned " + std::to_string(r.size()) + " rows");
  tx.commit();
  util::JsonOut j;
  write_entry(j, r[0]);
  const bool created = r[0][9].as<bool>();
  Response res{created ? 201 : 200, j.take()};
  if (created) res.headers["Location"] = "/v1/config/" + *ctx.param("type") + "/" + *ctx.param("key");
  return res;
}

Response delete_entry(RequestContext& ctx) {
  db::TenantTx tx(ctx.svc.pool, ctx.tenant_ctx);
  ctx.tenant_id = tx.tenant_id();
  tx.exec_prepared("config_delete", *ctx.param("type"), *ctx.param("key"));
  tx.commit();
  return {204, ""};
}

}  // namespace config

void add_config_statements() {
  using db::ts;
  const std::string cols = "id, type, key, value::text, is_active, " + ts("created_at") + ", " +
                           ts("updated_at") + ", created_by, updated_by";
  db::add_statements({
      {"config_list", "select " + cols + " from api.list_config(nullif($1, ''))"},
      {"config_put", "select " + cols + ", created from api.put_config($1, $2, $3::jsonb, $4::boolean)"},
      {"config_delete", "select api.delete_config($1, $2)"},
  });
}


}  // namespace tenantd::api
