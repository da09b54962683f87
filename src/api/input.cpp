#include "api/input.hpp"

#include <regex>

#include "http/problem.hpp"
#include "util/base64url.hpp"

namespace tenantd::api {

namespace {
const rapidjson::Value* field_of(const RequestContext& ctx, const char* field) {
  if (!ctx.has_json) return nullptr;
  auto it = ctx.json.FindMember(field);
  if (it == ctx.json.MemberEnd() || it->value.IsNull()) return nullptr;
  return &it->value;
}
}  // namespace

std::string required_string(const RequestContext& ctx, const char* field, size_t max_len) {
  if (!ctx.has_json) throw ApiError("body_required", "a JSON body is required");
  auto v = optional_string(ctx, field, max_len);
  if (!v) throw ApiError("missing_field", std::string("field '") + field + "' is required");
  return *v;
}

std::optional<std::string> optional_string(const RequestContext& ctx, const char* field, size_t max_len) {
  const rapidjson::Value* v = field_of(ctx, field);
  if (!v) return std::nullopt;
  if (!v->IsString())
    throw ApiError("invalid_field_type", std::string("field '") + field + "' must be a string");
  if (v->GetStringLength() > max_len) {
    throw ApiError("validation_failed", std::string("field '") + field + "' is longer than " +
                                            std::to_string(max_len) + " characters");
  }
  return std::string(v->GetString(), v->GetStringLength());
}

void reject_unknown_fields(const RequestContext& ctx, std::initializer_list<const char*> known) {
  if (!ctx.has_json) return;
  for (auto it = ctx.json.MemberBegin(); it != ctx.json.MemberEnd(); ++it) {
    bool ok = false;
    for (const char* k : known) ok = ok || it->name.GetString() == std::string(k);
    if (!ok) throw ApiError("unknown_field", std::string("unknown field '") + it->name.GetString() + "'");
  }
}

int page_limit(const RequestContext& ctx) {
  auto v = ctx.query_value("limit");
  if (!v) return 50;
  if (v->empty() || v->size() > 4 || v->find_first_not_of("0123456789") != std::string::npos) {
    throw ApiError("invalid_limit", "limit must be an integer from 1 to 200");
  }
  int n = std::stoi(*v);
  if (n < 1 || n > 200) throw ApiError("invalid_limit", "limit must be an integer from 1 to 200");
  return n;
}

std::vector<db::Arg> page_args(const RequestContext& ctx) {
  const int limit = page_limit(ctx);
  db::Arg after;
  if (auto c = ctx.query_value("cursor")) after = decode_cursor(*c);
  return {std::to_string(limit), after};
}

bool is_role_name(const std::string& s) {
  if (s.empty() || s.size() > 63 || !(s[0] >= 'a' && s[0] <= 'z')) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

std::string decode_cursor(const std::string& cursor) {
  auto raw = util::base64url_decode(cursor);
  if (!raw) throw ApiError("invalid_cursor", "the cursor is not one this service issued");
  return *raw;
}

// A name is [a-z_:] only, refused here otherwise, so the text[] literal needs no quoting; the
// catalogue check is SQL's.
std::string permission_list_field(const RequestContext& ctx, const char* field) {
  const rapidjson::Value* v = field_of(ctx, field);
  if (!v) throw ApiError("missing_field", std::string("field '") + field + "' is required");
  if (!v->IsArray())
    throw ApiError("invalid_field_type", std::string("field '") + field + "' must be an array of strings");
  if (v->Size() > 100) throw ApiError("validation_failed", "at most 100 permissions");
  static const std::regex kName("^[a-z_:]{1,64}$");
  std::string joined;
  for (const auto& e : v->GetArray()) {
    if (!e.IsString())
      throw ApiError("invalid_field_type", std::string("field '") + field + "' must be an array of strings");
    std::string s(e.GetString(), e.GetStringLength());
    if (!std::regex_match(s, kName)) {
      throw ApiError("unknown_permission", "'" + s.substr(0, 64) + "' is not a permission");
    }
    joined += (joined.empty() ? "" : ",") + s;
  }
  return "{" + joined + "}";
}

}  // namespace tenantd::api
