// /v1/config: per-tenant configuration and feature flags. Validation of types, keys, sizes and
// permissions lives in SQL (tenantd.list_config, put_config, delete_config behind the api.*
// endpoint functions); the handlers check the body and convert it into arguments.
// Secret types (integrations) are stored sealed with the tenant's data key: the PUT handler
// seals the value before its call, and the read routes open the answer after theirs
// (docs/data-lifecycle.md).
#include "api/config.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <pqxx/pqxx>

#include "api/input.hpp"
#include "api/reply.hpp"
#include "crypto/tenant_keys.hpp"
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

crypto::TenantKeys& keys_or_refuse(RequestContext& ctx) {
  if (!ctx.svc.tenant_keys || !ctx.svc.tenant_keys->configured()) {
    throw ApiError("secrets_unavailable",
                   "secret configuration is encrypted and this service has no key-encryption key (KEK_FILE); "
                   "it can neither store nor read secrets");
  }
  return *ctx.svc.tenant_keys;
}

std::optional<crypto::DataKey> unwrap_or_refuse(crypto::TenantKeys& keys, const std::string& tenant,
                                                const crypto::WrappedKey& w) {
  if (!keys.ring().find(w.kek_id)) {
    throw ApiError("secrets_unavailable", "the tenant's data key is wrapped by key-encryption key '" +
                                              w.kek_id + "', which this service's KEK_FILE does not hold");
  }
  return keys.unwrap(tenant, w);
}

// The tenant's active data key for sealing: from the cache by the request's tenant references,
// else one more statement (api.tenant_data_key), and a second one only for the tenant's very
// first secret, to store the key made here.
crypto::DataKey active_key(RequestContext& ctx, crypto::TenantKeys& keys, const std::string& refs,
                           bool refresh) {
  if (!refresh) {
    if (auto k = keys.active_for(refs)) return *k;
  }
  auto ask = [&](const std::vector<db::Arg>& args) {
    return reply_object(db::call_api(ctx.svc.pool, "api.tenant_data_key", ctx.context_json, args, false),
                        "api.tenant_data_key");
  };
  rapidjson::Document d = ask({std::nullopt, std::nullopt, std::nullopt});
  const std::string tenant = reply_string(d, "tenant_id");
  if (!d.HasMember("key") || !d["key"].IsObject()) {
    auto made = keys.create(tenant);
    d = ask({made.first.key_id, made.first.kek_id, made.first.wrapped});
    if (!d.HasMember("key") || !d["key"].IsObject())
      throw std::runtime_error("api.tenant_data_key stored no key");
  }
  const rapidjson::Value& k = d["key"];
  crypto::WrappedKey w{reply_string(k, "id"), reply_string(k, "kek_id"), reply_string(k, "wrapped_key")};
  auto key = unwrap_or_refuse(keys, tenant, w);
  if (!key) {
    throw ApiError("secret_undecryptable",
                   "the tenant's data key does not unwrap with the configured key-encryption "
                   "key; it was not made for this tenant");
  }
  keys.remember_active(refs, *key);
  return *key;
}

std::string refs_key(const RequestContext& ctx) {
  std::string s;
  for (const auto& r : ctx.tenant_refs) s += r + '\n';
  return s;
}

// Opens one sealed value in place (the object tenantd.config_value_out answered).
void open_value(crypto::TenantKeys& keys, const std::string& type, const std::string& key,
                rapidjson::Value& value, rapidjson::Document::AllocatorType& alloc) {
  const std::string undecryptable =
      "the " + type + " entry '" + key +
      "' does not decrypt with this tenant's data key (it was not written to this "
      "tenant and entry through the API); write it again";
  auto s = [&](const char* name) { return reply_string(value, name); };
  const std::string tenant = s("tenant"), kid = s("kid"), kek = s("kek"), wk = s("wk"), ct = s("ct");
  if (tenant.empty() || kek.empty() || wk.empty()) throw ApiError("secret_undecryptable", undecryptable);
  auto k = unwrap_or_refuse(keys, tenant, {kid, kek, wk});
  if (!k) throw ApiError("secret_undecryptable", undecryptable);
  auto plain = crypto::open_config_value(*k, type, key, ct);
  if (!plain) throw ApiError("secret_undecryptable", undecryptable);
  rapidjson::Document v(&alloc);
  v.Parse(plain->c_str(), plain->size());
  if (v.HasParseError()) throw ApiError("secret_undecryptable", undecryptable);
  value.CopyFrom(v, alloc);
}

// Every configuration entry object ({"type", "key", "value"}) in `v`, at any depth.
bool open_entries(crypto::TenantKeys* keys, RequestContext& ctx, rapidjson::Value& v,
                  rapidjson::Document::AllocatorType& alloc) {
  bool changed = false;
  if (v.IsArray()) {
    for (auto& e : v.GetArray()) changed = open_entries(keys, ctx, e, alloc) || changed;
    return changed;
  }
  if (!v.IsObject()) return false;
  auto type = v.FindMember("type"), key = v.FindMember("key"), value = v.FindMember("value");
  if (type != v.MemberEnd() && type->value.IsString() && key != v.MemberEnd() && key->value.IsString() &&
      value != v.MemberEnd() && value->value.IsObject() &&
      crypto::is_secret_config_type(type->value.GetString()) && value->value.HasMember("sealed")) {
    open_value(keys ? *keys : keys_or_refuse(ctx), type->value.GetString(), key->value.GetString(),
               value->value, alloc);
    return true;
  }
  for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
    changed = open_entries(keys, ctx, it->value, alloc) || changed;
  }
  return changed;
}

}  // namespace

namespace config {

void open_secrets(RequestContext& ctx, db::Reply& reply) {
  // cheap test first: most answers hold no sealed value at all
  if (reply.body.find("\"sealed\"") == std::string::npos) return;
  rapidjson::Document d;
  d.Parse(reply.body.c_str(), reply.body.size());
  if (d.HasParseError()) return;
  crypto::TenantKeys* keys =
      ctx.svc.tenant_keys && ctx.svc.tenant_keys->configured() ? ctx.svc.tenant_keys : nullptr;
  if (!open_entries(keys, ctx, d, d.GetAllocator())) return;
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  d.Accept(w);
  reply.body.assign(sb.GetString(), sb.GetSize());
}

Response put(RequestContext& ctx) {
  std::vector<db::Arg> args = put_entry(ctx);
  const std::string& type = *ctx.param("type");
  if (!crypto::is_secret_config_type(type)) {
    return reply_response(db::call_api(ctx.svc.pool, "api.put_config", ctx.context_json, args, false));
  }
  crypto::TenantKeys& keys = keys_or_refuse(ctx);
  const std::string plaintext = *args[2];
  const std::string refs = refs_key(ctx);
  for (int attempt = 0;; ++attempt) {
    const crypto::DataKey k = active_key(ctx, keys, refs, attempt > 0);
    args[2] = crypto::seal_config_value(k, type, *ctx.param("key"), plaintext);
    try {
      db::Reply reply = db::call_api(ctx.svc.pool, "api.put_config", ctx.context_json, args, false);
      open_secrets(ctx, reply);
      return reply_response(std::move(reply));
    } catch (const pqxx::sql_error& e) {
      // TDK01: sealed with a key that is not the tenant's active one (rotated since it was
      // cached, or the references now name another tenant): ask for the key once more
      if (e.sqlstate() != "TDK01" || attempt > 0) throw;
      keys.forget_active(refs);
    }
  }
}

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
