// /v1/tenants: the tenant lifecycle (issue 4 §1). Super admins create, list, count, patch,
// activate, suspend and (soft) delete tenants; a member reads its own tenant; a tenant_admin may
// rename and redescribe its own tenant. The rules live in SQL (api.*_tenant and the tenantd.*
// procedures behind them: create_tenant, update_tenant, transition_tenant, slugify/slug_problem);
// these handlers check and convert the input into the arguments of their route's api.* function
// (api/route_table.cpp), and PostgreSQL builds the answer.
//
// Global routes (/v1/tenants, /v1/tenants/stats) are Scope::kAuthenticated: the super admin's
// token names no tenant, so the call runs without a tenant context and the tenants policies for
// super_admin apply. Routes on one tenant are Scope::kTenant (/v1/tenants/{tenant}), so a token
// of tenant A naming B is refused by tenant resolution before any handler runs.
#include "api/tenants.hpp"

#include <algorithm>
#include <regex>

#include "api/input.hpp"
#include "http/problem.hpp"
#include "util/json.hpp"
#include "util/utf8.hpp"
#include "util/uuid.hpp"

namespace tenantd::api {

namespace {

constexpr size_t kMaxName = 200;
constexpr size_t kMaxDescription = 2000;
constexpr size_t kMaxReason = 500;
constexpr size_t kMaxMetadataBytes = 64 * 1024;
constexpr size_t kMaxQuery = 200;

const char* const kStates[] = {"pending",  "provisioning", "active", "suspended",
                               "inactive", "failed",       "deleted"};

void require_super_admin(const RequestContext& ctx, const char* what) {
  if (!ctx.principal || !ctx.principal->is_super_admin()) {
    throw ApiError("forbidden", std::string("only a super_admin may ") + what);
  }
}

// Text that PostgreSQL will take as it is: valid UTF-8 without NUL (libpq ends parameters at
// NUL, and jsonb refuses \u0000), so bad input is a 400/422 here and never a 500 there.
void check_text(const std::string& s, const std::string& what) {
  if (!util::clean_text(s)) {
    throw ApiError("invalid_text", what + " must be valid UTF-8 without NUL characters");
  }
}

// Recursive, and bounded: request documents are at most util::kMaxJsonDepth deep.
void check_json_text(const rapidjson::Value& v, const std::string& what) {
  if (v.IsString()) {
    check_text(std::string(v.GetString(), v.GetStringLength()), what);
  } else if (v.IsObject()) {
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
      check_text(std::string(it->name.GetString(), it->name.GetStringLength()), what);
      check_json_text(it->value, what);
    }
  } else if (v.IsArray()) {
    for (const auto& e : v.GetArray()) check_json_text(e, what);
  }
}

// metadata: a JSON object, at most 64 KiB once serialised; nullopt when absent or null.
std::optional<std::string> metadata_field(const RequestContext& ctx) {
  if (!ctx.has_json) return std::nullopt;
  auto it = ctx.json.FindMember("metadata");
  if (it == ctx.json.MemberEnd() || it->value.IsNull()) return std::nullopt;
  if (!it->value.IsObject()) throw ApiError("invalid_field_type", "field 'metadata' must be a JSON object");
  check_json_text(it->value, "metadata");
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  it->value.Accept(w);
  if (sb.GetSize() > kMaxMetadataBytes) {
    throw ApiError("validation_failed", "field 'metadata' is larger than 64 KiB");
  }
  return std::string(sb.GetString(), sb.GetSize());
}

std::optional<std::string> text_field(const RequestContext& ctx, const char* field, size_t max_len) {
  auto v = optional_string(ctx, field, max_len);
  if (v) check_text(*v, std::string("field '") + field + "'");
  return v;
}

// A query parameter (already percent-decoded by the HTTP adapter) with '+' read as a space, as
// HTML forms send it.
std::optional<std::string> query_param(const RequestContext& ctx, const char* name) {
  auto v = ctx.query_value(name);
  if (v) {
    for (auto& c : *v) {
      if (c == '+') c = ' ';
    }
  }
  return v;
}

// RFC 3339 date-time, checked field by field so that PostgreSQL never sees a value it would
// refuse (a 500 otherwise). Seconds may be 60 (leap second); offsets up to ±15:59, PostgreSQL's limit.
bool valid_rfc3339(const std::string& s) {
  static const std::regex kRe(
      R"(^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|([+-])(\d{2}):(\d{2}))$)");
  std::smatch m;
  if (!std::regex_match(s, m, kRe)) return false;
  const int y = std::stoi(m[1]), mo = std::stoi(m[2]), d = std::stoi(m[3]);
  const int h = std::stoi(m[4]), mi = std::stoi(m[5]), sec = std::stoi(m[6]);
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 60) return false;
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (d > kDays[mo - 1] + (mo == 2 && leap ? 1 : 0)) return false;
  if (m[10].matched && (std::stoi(m[10]) > 15 || std::stoi(m[11]) > 59)) return false;
  return true;
}

db::Arg time_filter(const RequestContext& ctx, const char* name) {
  auto v = query_param(ctx, name);
  if (!v) return std::nullopt;
  std::string s = *v;
  // a '+' sent unencoded in a query string decodes as a space
  if (s.size() > 6 && s[s.size() - 6] == ' ') s[s.size() - 6] = '+';
  if (!valid_rfc3339(s)) {
    throw ApiError("invalid_filter",
                   std::string(name) + " must be an RFC 3339 date-time, e.g. 2024-05-01T00:00:00Z");
  }
  return s;
}

struct SortSpec {
  std::string key;  // created_at | name | slug
  bool desc = false;
  std::string text() const { return (desc ? "-" : "") + key; }
};

SortSpec parse_sort(const RequestContext& ctx) {
  SortSpec s{"created_at", false};
  auto v = query_param(ctx, "sort");
  if (!v) return s;
  std::string k = *v;
  if (!k.empty() && k[0] == '-') {
    s.desc = true;
    k = k.substr(1);
  } else if (!k.empty() && (k[0] == '+' || k[0] == ' ')) {  // an explicit ascending sign
    k = k.substr(1);
  }
  if (k != "created_at" && k != "name" && k != "slug") {
    throw ApiError("invalid_sort", "sort must be created_at, name or slug, optionally prefixed with '-'");
  }
  s.key = k;
  return s;
}

// Cursor = base64url("<sort>\n<id>\n<key>") (api.list_tenants makes it): the sort it belongs
// to, and the (key, id) of the last row returned; the key is last because a name may hold any
// character.
struct Cursor {
  std::string key, id;
};

std::optional<Cursor> parse_cursor(const RequestContext& ctx, const SortSpec& sort) {
  auto c = ctx.query_value("cursor");
  if (!c) return std::nullopt;
  const std::string raw = decode_cursor(*c);
  const auto bad = [] { return ApiError("invalid_cursor", "the cursor is not one this service issued"); };
  const size_t a = raw.find('\n');
  if (a == std::string::npos) throw bad();
  const size_t b = raw.find('\n', a + 1);
  if (b == std::string::npos) throw bad();
  if (raw.substr(0, a) != sort.text()) {
    throw ApiError("invalid_cursor", "the cursor belongs to another sort order");
  }
  Cursor cur{raw.substr(b + 1), raw.substr(a + 1, b - a - 1)};
  if (!util::is_uuid(cur.id)) throw bad();
  if (!util::clean_text(cur.key)) throw bad();
  if (sort.key == "created_at") {
    static const std::regex kTs(R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$)");
    if (!std::regex_match(cur.key, kTs) || !valid_rfc3339(cur.key)) throw bad();
  }
  cur.id = util::canonical_uuid(cur.id);
  return cur;
}

std::string like_pattern(const std::string& q) {
  std::string p = "%";
  for (char c : q) {
    if (c == '%' || c == '_' || c == '\\') p += '\\';
    p += c;
  }
  return p + "%";
}

db::Arg reason_field(const RequestContext& ctx, bool required) {
  std::optional<std::string> reason;
  if (required) {
    reason = required_string(ctx, "reason", kMaxReason);
  } else {
    reason = optional_string(ctx, "reason", kMaxReason);
  }
  if (reason) check_text(*reason, "field 'reason'");
  if (required && reason->find_first_not_of(" \t\r\n") == std::string::npos) {
    throw ApiError("validation_failed", "reason must not be empty");
  }
  if (reason && reason->empty()) return std::nullopt;  // no reason, as before
  return reason;
}

}  // namespace

namespace tenants {

// api.create_tenant(ctx, name, slug, plan, description, metadata)
std::vector<db::Arg> create(RequestContext& ctx) {
  require_super_admin(ctx, "create tenants");
  reject_unknown_fields(ctx, {"name", "slug", "plan", "description", "metadata"});
  const std::string name = required_string(ctx, "name", kMaxName);
  check_text(name, "field 'name'");
  const auto slug = text_field(ctx, "slug", 63);
  const std::string plan = required_string(ctx, "plan", 63);
  check_text(plan, "field 'plan'");
  const auto description = text_field(ctx, "description", kMaxDescription);
  const auto metadata = metadata_field(ctx);
  if (slug && slug->empty()) throw ApiError("validation_failed", "slug must not be empty");
  // an empty description was stored as NULL before the pipe: kept
  db::Arg desc = description && !description->empty() ? description : std::nullopt;
  return {name, slug, plan, desc, metadata};
}

// api.list_tenants(ctx, limit, sort, desc, status, plan, q, created_after, created_before,
// after_key, after_id)
std::vector<db::Arg> list(RequestContext& ctx) {
  require_super_admin(ctx, "list tenants");
  const int limit = page_limit(ctx);
  const SortSpec sort = parse_sort(ctx);
  db::Arg status, plan, pattern;
  if (auto v = query_param(ctx, "status")) {
    if (std::find(std::begin(kStates), std::end(kStates), *v) == std::end(kStates)) {
      throw ApiError(
          "invalid_filter",
          "status must be one of pending, provisioning, active, suspended, inactive, failed, deleted");
    }
    status = *v;
  }
  if (auto v = query_param(ctx, "plan")) {
    static const std::regex kPlan("^[a-z][a-z0-9_]{0,62}$");
    if (!std::regex_match(*v, kPlan)) throw ApiError("invalid_filter", "plan must be a plan id");
    plan = *v;
  }
  if (auto v = query_param(ctx, "q")) {
    if (v->empty() || v->size() > kMaxQuery)
      throw ApiError("invalid_filter", "q must be 1 to 200 characters");
    check_text(*v, "q");
    pattern = like_pattern(*v);
  }
  const db::Arg after = time_filter(ctx, "created_after");
  const db::Arg before = time_filter(ctx, "created_before");
  const auto cursor = parse_cursor(ctx, sort);
  db::Arg after_key, after_id;
  if (cursor) {
    after_key = cursor->key;
    after_id = cursor->id;
  }
  return {std::to_string(limit),
          sort.key,
          sort.desc ? "true" : "false",
          status,
          plan,
          pattern,
          after,
          before,
          after_key,
          after_id};
}

// api.tenant_stats(ctx)
std::vector<db::Arg> stats(RequestContext& ctx) {
  require_super_admin(ctx, "read tenant statistics");
  return {};
}

// api.get_tenant(ctx): the tenant is the one the request acts in
std::vector<db::Arg> get(RequestContext&) {
  return {};
}

// api.update_tenant(ctx, changes)
std::vector<db::Arg> update(RequestContext& ctx) {
  reject_unknown_fields(ctx, {"name", "description", "plan", "metadata"});
  if (!ctx.has_json) throw ApiError("body_required", "a JSON body is required");
  const auto& p = *ctx.principal;
  if (!p.is_super_admin() && p.role != "tenant_admin") {
    throw ApiError("forbidden", "only a super_admin or a tenant_admin of this tenant may change it");
  }
  // The changes are re-serialised from validated values (not the raw body): one JSON object
  // whose strings PostgreSQL accepts. description: null clears it.
  util::JsonOut changes;
  changes.begin_object();
  if (auto v = text_field(ctx, "name", kMaxName)) changes.str("name", *v);
  auto d = ctx.json.FindMember("description");
  if (d != ctx.json.MemberEnd()) {
    if (d->value.IsNull()) {
      changes.null("description");
    } else {
      changes.str("description", *text_field(ctx, "description", kMaxDescription));
    }
  }
  if (auto v = text_field(ctx, "plan", 63)) changes.str("plan", *v);
  if (ctx.json.HasMember("name") && ctx.json["name"].IsNull()) {
    throw ApiError("validation_failed", "name cannot be null");
  }
  if (ctx.json.HasMember("plan") && ctx.json["plan"].IsNull()) {
    throw ApiError("validation_failed", "plan cannot be null");
  }
  if (ctx.json.HasMember("metadata") && ctx.json["metadata"].IsNull()) {
    throw ApiError("validation_failed", "metadata cannot be null (send {} to clear it)");
  }
  if (auto v = metadata_field(ctx)) changes.raw("metadata", *v);
  changes.end_object();
  // The SQL decides which fields a tenant_admin may change (403 for plan and metadata), and
  // that only a super admin reaches a suspended or deleted tenant.
  return {changes.take()};
}

// api.activate_tenant(ctx, reason)
std::vector<db::Arg> activate(RequestContext& ctx) {
  require_super_admin(ctx, "activate tenants");
  reject_unknown_fields(ctx, {"reason"});
  return {reason_field(ctx, false)};
}

// api.suspend_tenant(ctx, reason)
std::vector<db::Arg> suspend(RequestContext& ctx) {
  require_super_admin(ctx, "suspend tenants");
  reject_unknown_fields(ctx, {"reason"});
  return {reason_field(ctx, true)};
}

// api.reprovision_tenant(ctx): retry the provisioning of a failed tenant
std::vector<db::Arg> reprovision(RequestContext& ctx) {
  require_super_admin(ctx, "reprovision tenants");
  reject_unknown_fields(ctx, {});
  return {};
}

// api.delete_tenant(ctx)
std::vector<db::Arg> remove(RequestContext& ctx) {
  require_super_admin(ctx, "delete tenants");
  return {};
}

}  // namespace tenants

}  // namespace tenantd::api
