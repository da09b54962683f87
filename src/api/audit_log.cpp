// /v1/audit-log: the append-only audit trail, newest first. The permission (audit:read, the
// route table), the filters' timestamp rules and the keyset page are SQL (api.list_audit_log);
// the handler bounds the filters and splits the cursor.
#include "api/audit_log.hpp"

#include "api/input.hpp"
#include "http/problem.hpp"
#include "util/uuid.hpp"

namespace tenantd::api::audit_log {

namespace {

// A filter's text, bounded so that nothing unreasonable reaches the database; absent or empty
// is no filter (SQL NULL).
db::Arg filter(const RequestContext& ctx, const char* name, size_t max_len) {
  auto v = ctx.query_value(name);
  if (!v) return std::nullopt;
  if (v->size() > max_len) {
    throw ApiError("invalid_filter",
                   std::string(name) + " is longer than " + std::to_string(max_len) + " characters");
  }
  if (v->empty()) return std::nullopt;
  return *v;
}

}  // namespace

// api.list_audit_log(ctx, limit, action, actor, target_type, target_id, from, to, after_at, after_id)
std::vector<db::Arg> list(RequestContext& ctx) {
  const int limit = page_limit(ctx);
  const db::Arg action = filter(ctx, "action", 200);
  db::Arg actor = filter(ctx, "actor", 64);
  if (actor) {
    if (!util::is_uuid(*actor)) throw ApiError("invalid_filter", "actor must be a user id (uuid)");
    actor = util::canonical_uuid(*actor);
  }
  const db::Arg target_type = filter(ctx, "target_type", 200);
  const db::Arg target = filter(ctx, "target", 500);
  const db::Arg from = filter(ctx, "from", 64);
  const db::Arg to = filter(ctx, "to", 64);
  // Cursor: "<at with microseconds>|<id>" of the last row of the previous page.
  db::Arg after_at, after_id;
  if (auto c = ctx.query_value("cursor")) {
    const std::string raw = decode_cursor(*c);
    const auto bar = raw.find('|');
    if (bar == std::string::npos || !util::is_uuid(raw.substr(bar + 1)) || bar > 64) {
      throw ApiError("invalid_cursor", "the cursor is not one this service issued");
    }
    after_at = raw.substr(0, bar);
    after_id = util::canonical_uuid(raw.substr(bar + 1));
    if (after_at->empty()) after_at = std::nullopt;  // as before: SQL refuses a half cursor
  }
  return {std::to_string(limit), action, actor, target_type, target, from, to, after_at, after_id};
}

}  // namespace tenantd::api::audit_log
