// /v1/tenants: the tenant lifecycle (issue 4 §1). Super admins create, list, count, patch,
// activate, suspend and (soft) delete tenants; a member reads its own tenant; a tenant_admin may
// rename and redescribe its own tenant. The rules live in SQL (api.create_tenant,
// api.update_tenant, tenantd.transition_tenant, tenantd.slugify/slug_problem); this file parses,
// validates and shapes JSON.
//
// Global routes (/v1/tenants, /v1/tenants/stats) are Scope::kAuthenticated: the super admin's
// token names no tenant, so their transaction runs without a tenant context and the tenants
// policies for super_admin apply. Routes on one tenant are Scope::kTenant (/v1/tenants/{tenant}),
// so a token of tenant A naming B is refused by tenant resolution before any handler runs.
#include <algorithm>
#include <regex>

#include "api/idempotency.hpp"
#include "api/input.hpp"
#include "api/page.hpp"
#include "api/tenants.hpp"
#include "db/statements.hpp"
#include "db/tenant_tx.hpp"
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

// Columns of a tenant as the API shows it; `status` is the lifecycle state (deleted included).
std::string tenant_columns(const std::string& t) {
  using db::ts;
  return t + "id, " + t + "slug, " + t + "name, " + t + "description, tenantd.tenant_state(" + t +
         "status, " + t + "deleted_at), " + t + "plan, " + t + "external_id, " + t + "metadata::text, " +
         ts(t + "created_at") + ", " + ts(t + "updated_at") + ", " + ts(t + "activated_at") + ", " +
         ts(t + "suspended_at") + ", " + ts(t + "deleted_at") + ", " + t + "status_reason";
}
constexpr int kTenantColumnCount = 14;

void write_tenant_fields(util::JsonOut& j, const pqxx::row& row) {
  auto opt = [&](int i) { return row[i].is_null() ? nullptr : row[i].c_str(); };
  j.str("id", row[0].c_str())
      .str("slug", row[1].c_str())
      .str("name", row[2].c_str())
      .str_or_null("description", opt(3))
      .str("status", row[4].c_str())
      .str_or_null("status_reason", opt(13))
      .str("plan", row[5].c_str())
      .str_or_null("external_id", opt(6))
      .raw("metadata", row[7].c_str())
      .str("created_at", row[8].c_str())
      .str("updated_at", row[9].c_str())
      .str_or_null("activated_at", opt(10))
      .str_or_null("suspended_at", opt(11))
      .str_or_null("deleted_at", opt(12));
}

std::string tenant_json(const pqxx::row& row) {
  util::JsonOut j;
  j.begin_object();
  write_tenant_fields(j, row);
  j.end_object();
  return j.take();
}

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
  if (!it->value.IsObject())
    throw ApiError("invalid_field_type", "field 'metadata' must be a JSON object");
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

std::string time_filter(const RequestContext& ctx, const char* name) {
  auto v = query_param(ctx, name);
  if (!v) return "";
  std::string s = *v;
  // a '+' sent unencoded in a query string decodes as a space
  if (s.size() > 6 && s[s.size() - 6] == ' ') s[s.size() - 6] = '+';
  if (!valid_rfc3339(s)) {
    throw ApiError("invalid_filter",
                   std::string(name) + " must be an RFC 3339 date-time, e.g. 2024-05-01T00:00:00Z");
  }
  return s;
}

// ---- handlers -------------------------------------------------------------------------------

}  // namespace

namespace tenants {

Response create_tenant(RequestContext& ctx) {
  require_super_admin(ctx, "create tenants");
  const Idempotency idem = idempotency_for(ctx);
  reject_unknown_fields(ctx, {"name", "slug", "plan", "description", "metadata"});
  const std::string name = required_string(ctx, "name", kMaxName);
  check_text(name, "field 'name'");
  const auto slug = text_field(ctx, "slug", 63);
  const std::string plan = required_string(ctx, "plan", 63);
  check_text(plan, "field 'plan'");
  const auto description = text_field(ctx, "description", kMaxDescription);
  const auto metadata = metadata_field(ctx);
  if (slug && slug->empty()) throw ApiError("validation_failed", "slug must not be empty");

  ctx.tenant_ctx.allow_inactive = true;  // a global route: no tenant is acted in
  db::TenantTx tx(ctx.svc.pool, ctx.tenant_ctx);
  if (auto replay = idem.begin(tx)) return *replay;
  auto r = tx.exec_prepared("tenants_create", name, slug.value_or(""), plan, description.value_or(""),
                            metadata.value_or(""));
  if (r.size() != 1) throw std::runtime_error("create_tenant returned no row");
  const std::string id = r[0][0].c_str();
  ctx.tenant_id = id;
  // Issue 5 §3: the tenant is provisioned (preseed, pending → active) by its 'tenant.provision'
  // job, enqueued in this transaction like a self-service sign-up's; 202 + where to watch it.
  tx.exec_prepared("tenants_enqueue_provisioning", id);
  util::JsonOut j;
  j.begin_object();
  write_tenant_fields(j, r[0]);
  j.str("status_url", "/v1/tenant-status/" + id);
  j.end_object();
  Response res{202, j.take()};
  res.headers["Location"] = "/v1/tenants/" + id;
  idem.finish(tx, res);
  tx.commit();
  return res;
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
    throw ApiError("invalid_sort",
                   "sort must be created_at, name or slug, optionally prefixed with '-'");
  }
  s.key = k;
  return s;
}

// Cursor = base64url("<sort>\n<id>\n<key>"): the sort it belongs to, and the (key, id) of the
// last row returned; the key is last because a name may hold any character.
struct Cursor {
  std::string key, id;
};

std::optional<Cursor> parse_cursor(const RequestContext& ctx, const SortSpec& sort) {
  auto c = ctx.query_value("cursor");
  if (!c) return std::nullopt;
  const std::string raw = decode_cursor(*c);
  const auto bad = [] {
    return ApiError("invalid_cursor", "the cursor is not one this service issued");
  };
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

Response list_tenants(RequestContext& ctx) {
  require_super_admin(ctx, "list tenants");
  const int limit = page_limit(ctx);
  const SortSpec sort = parse_sort(ctx);
  std::string status, plan, pattern;
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
    if (v->empty() || v->size() > kMaxQuery) {
      throw ApiError("invalid_filter", "q must be 1 to 200 characters");
    }
    check_text(*v, "q");
    pattern = like_pattern(*v);
  }
  const std::string after = time_filter(ctx, "created_after");
  const std::string before = time_filter(ctx, "created_before");
  const auto cursor = parse_cursor(ctx, sort);

  pqxx::result r;
  if (status == "deleted") {
    // soft-deleted tenants are never listed: the answer is an empty page, not an error
  } else {
    ctx.tenant_ctx.allow_inactive = true;  // a global route: no tenant is acted in
    db::TenantTx tx(ctx.svc.pool, ctx.tenant_ctx);
    // One extra row tells whether another page exists.
    r = tx.exec_prepared("tenants_list_" + sort.key + (sort.desc ? "_desc" : "_asc"), status, plan, pattern,
                         after, before, cursor ? cursor->key : std::string(),
                         cursor ? cursor->id : std::string(), limit + 1);
    tx.commit();
  }
  auto write_row = [](util::JsonOut& j, const pqxx::row& row) {
    j.writer().StartObject();
    write_tenant_fields(j, row);
    j.writer().EndObject();
  };
  return page_response(r, limit, write_row, [&](const pqxx::row& last) {
    return sort.text() + "\n" + last[0].c_str() + "\n" + last[kTenantColumnCount].c_str();
  });
}

Response tenant_stats(RequestContext& ctx) {
  require_super_admin(ctx, "read tenant statistics");
  ctx.tenant_ctx.allow_inactive = true;  // a global route: no tenant is acted in
  db::TenantTx tx(ctx.svc.pool, ctx.tenant_ctx);
  auto r = tx.exec_prepared("tenants_stats");
  tx.commit();
  if (r.size() != 1) throw std::runtime_error("tenants_stats returned no row");
  return {200, r[0][0].c_str()};
}

// Handlers on one tenant: a super admin manages suspended and deleted tenants too.
void allow_inactive_for_super_admin(RequestContext& ctx) {
  ctx.tenant_ctx.allow_inactive = ctx.principal && ctx.principal->is_super_admin();
}

Response get_tenant(RequestContext& ctx) {
  allow_inactive_for_super_admin(ctx);
  db::TenantTx tx(ctx.svc.pool, ctx.tenant_ctx);
  ctx.tenant_id = tx.tenant_id();
  auto r = tx.exec_prepared("tenants_get", tx.tenant_id());
  tx.commit();
  if (r.empty()) throw ApiError("tenant_not_found", "no such tenant");
  util::JsonOut j;
  j.begin_object();
  write_tenant_fields(j, r[0]);
  j.integer("member_count", r[0][kTenantColumnCount].as<int64_t>());
  j.end_object();
  return {200, j.take()};
}

Response patch_tenant(RequestContext& ctx) {
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
  // Only a super admin may patch a suspended or deleted tenant; the SQL decides which fields
  // a tenant_admin may change (403 for plan and metadata).
  allow_inactive_for_super_admin(ctx);
  db::TenantTx tx(ctx.svc.pool, ctx.tenant_ctx);
  ctx.tenant_id = tx.tenant_id();
  auto r = tx.exec_prepared("tenants_update", tx.tenant_id(), changes.take());
  if (r.size() != 1) throw std::runtime_error("update_tenant returned no row");
  tx.commit();
  return {200, tenant_json(r[0])};
}

Response transition(RequestContext& ctx, const char* target, const std::string& reason) {
  allow_inactive_for_super_admin(ctx);
  db::TenantTx tx(ctx.svc.pool, ctx.tenant_ctx);
  ctx.tenant_id = tx.tenant_id();
  auto r = tx.exec_prepared("tenants_transition", tx.tenant_id(), std::string(target), reason);
  if (r.size() != 1) throw std::runtime_error("transition_tenant returned no row");
  tx.commit();
  return {200, tenant_json(r[0])};
}

std::string reason_field(const RequestContext& ctx, bool required) {
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
  return reason.value_or("");
}

Response activate_tenant(RequestContext& ctx) {
  require_super_admin(ctx, "activate tenants");
  reject_unknown_fields(ctx, {"reason"});
  return transition(ctx, "active", reason_field(ctx, false));
}

Response suspend_tenant(RequestContext& ctx) {
  require_super_admin(ctx, "suspend tenants");
  reject_unknown_fields(ctx, {"reason"});
  return transition(ctx, "suspended", reason_field(ctx, true));
}

// POST /v1/tenants/{id}/reprovision: retry the provisioning of a failed tenant (api.reprovision_tenant).
Response reprovision_tenant(RequestContext& ctx) {
  require_super_admin(ctx, "reprovision tenants");
  reject_unknown_fields(ctx, {});
  allow_inactive_for_super_admin(ctx);
  db::TenantTx tx(ctx.svc.pool, ctx.tenant_ctx);
  ctx.tenant_id = tx.tenant_id();
  auto r = tx.exec_prepared("tenants_reprovision", tx.tenant_id());
  if (r.size() != 1) throw std::runtime_error("reprovision_tenant returned no row");
  tx.commit();
  const std::string id = r[0][0].c_str();
  util::JsonOut j;
  j.begin_object()
      .str("tenant_id", id)
      .str("status", r[0][1].c_str())
      .str("status_url", "/v1/tenant-status/" + id)
      .end_object();
  Response res{202, j.take()};
  res.headers["Location"] = "/v1/tenant-status/" + id;
  return res;
}

Response delete_tenant(RequestContext& ctx) {
  require_super_admin(ctx, "delete tenants");
  transition(ctx, "deleted", "");
  Response res{204, ""};
  return res;
}

std::string list_sql(const std::string& key, bool desc) {
  const std::string col = "t." + key;
  const std::string typed = key == "created_at" ? "nullif($6, '')::timestamptz" : "nullif($6, '')";
  const std::string cursor_key =
      key == "created_at" ? "to_char(t.created_at at time zone 'utc', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
                          : col;
  const std::string dir = desc ? " desc" : "";
  return "select " + tenant_columns("t.") + ", " + cursor_key +
         " from tenantd.tenants t"
         " where t.deleted_at is null"
         " and (nullif($1, '') is null or t.status = $1)"
         " and (nullif($2, '') is null or t.plan = $2)"
         " and (nullif($3, '') is null or t.name ilike $3 or t.slug ilike $3)"
         " and t.created_at >= coalesce(nullif($4, '')::timestamptz, '-infinity')"
         " and t.created_at < coalesce(nullif($5, '')::timestamptz, 'infinity')"
         " and (nullif($6, '') is null or (" +
         col + ", t.id) " + (desc ? "<" : ">") + " (" + typed + ", nullif($7, '')::uuid))" + " order by " +
         col + dir + ", t.id" + dir + " limit $8::int";
}

}  // namespace tenants

void add_tenants_statements() {
  std::vector<db::Statement> statements = {
      {"tenants_get", "select " + tenant_columns("t.") +
                          ", (select count(*) from tenantd.memberships m where m.tenant_id = t.id)"
                          " from tenantd.tenants t where t.id = $1::uuid"},
      {"tenants_create",
       "select " + tenant_columns("") +
           " from api.create_tenant($1, nullif($2, ''), $3, nullif($4, ''), nullif($5, '')::jsonb)"},
      {"tenants_enqueue_provisioning", "select tenantd.enqueue_provisioning($1::uuid)"},
      {"tenants_reprovision", "select tenant_id, status from api.reprovision_tenant($1::uuid)"},
      {"tenants_update", "select " + tenant_columns("") + " from api.update_tenant($1::uuid, $2::jsonb)"},
      {"tenants_transition",
       "select " + tenant_columns("") + " from tenantd.transition_tenant($1::uuid, $2, nullif($3, ''))"},
      // by_status covers every state, deleted included; total, by_plan and created_per_day
      // count live tenants (deleted ones are gone from every list). Days are UTC days, the
      // last 30 including today, zeros included, oldest first.
      {"tenants_stats",
       "select json_build_object("
       " 'total', (select count(*) from tenantd.tenants t where t.deleted_at is null),"
       " 'by_status', (select json_object_agg(s.state, (select count(*) from tenantd.tenants t"
       "     where tenantd.tenant_state(t.status, t.deleted_at) = s.state) order by s.ord)"
       "   from unnest(array['pending', 'provisioning', 'active', 'suspended', 'inactive', 'failed', "
       "'deleted'])"
       "        with ordinality as s (state, ord)),"
       " 'by_plan', (select coalesce(json_object_agg(p.id, (select count(*) from tenantd.tenants t"
       "     where t.plan = p.id and t.deleted_at is null) order by p.id), '{}'::json) from tenantd.plans p),"
       " 'created_per_day', (select json_agg(json_build_object('date', to_char(d.day, 'YYYY-MM-DD'),"
       "     'count', coalesce(c.n, 0)) order by d.day)"
       "   from generate_series((now() at time zone 'utc')::date - 29, (now() at time zone 'utc')::date,"
       "                        interval '1 day') as d (day)"
       "   left join (select (t.created_at at time zone 'utc')::date as day, count(*) as n"
       "                from tenantd.tenants t"
       "               where t.deleted_at is null"
       "                 and t.created_at >= ((now() at time zone 'utc')::date - 29)::timestamp at time zone "
       "'utc'"
       "               group by 1) as c on c.day = d.day::date)"
       ")::text"},
  };
  for (const char* key : {"created_at", "name", "slug"}) {
    statements.push_back({std::string("tenants_list_") + key + "_asc", tenants::list_sql(key, false)});
    statements.push_back({std::string("tenants_list_") + key + "_desc", tenants::list_sql(key, true)});
  }
  db::add_statements(statements);

}


}  // namespace tenantd::api
