// /v1/audit-log: the append-only audit trail, newest first. The permission (audit:read), the
// filters' timestamp rules and the keyset page are SQL (api.list_audit_log).
#include "api/input.hpp"
#include "api/page.hpp"
#include "api/audit_log.hpp"
#include "db/statements.hpp"
#include "db/tenant_tx.hpp"
#include "http/problem.hpp"
#include "util/json.hpp"
#include "util/uuid.hpp"

namespace tenantd::api {

namespace {

const char* null_if_empty(const std::string& s) {
  return s.empty() ? nullptr : s.c_str();
}

// A filter's text, bounded so that nothing unreasonable reaches the database.
std::string filter(const RequestContext& ctx, const char* name, size_t max_len) {
  auto v = ctx.query_value(name);
  if (!v) return "";
  if (v->size() > max_len) {
    throw ApiError("invalid_filter",
                   std::string(name) + " is longer than " + std::to_string(max_len) + " characters");
  }
  return *v;
}

}  // namespace

namespace audit_log {

Response list_audit_log(RequestContext& ctx) {
  const int limit = page_limit(ctx);
  const std::string action = filter(ctx, "action", 200);
  std::string actor = filter(ctx, "actor", 64);
  if (!actor.empty()) {
    if (!util::is_uuid(actor)) throw ApiError("invalid_filter", "actor must be a user id (uuid)");
    actor = util::canonical_uuid(actor);
  }
  const std::string target_type = filter(ctx, "target_type", 200);
  const std::string target = filter(ctx, "target", 500);
  const std::string from = filter(ctx, "from", 64);
  const std::string to = filter(ctx, "to", 64);
  // Cursor: "<at with microseconds>|<id>" of the last row of the previous page.
  std::string after_at, after_id;
  if (auto c = ctx.query_value("cursor")) {
    const std::string raw = decode_cursor(*c);
    const auto bar = raw.find('|');
    if (bar == std::string::npos || !util::is_uuid(raw.substr(bar + 1)) || bar > 64) {
      throw ApiError("invalid_cursor", "the cursor is not one this service issued");
    }
    after_at = raw.substr(0, bar);
    after_id = raw.substr(bar + 1);
  }

  db::TenantTx tx(ctx.svc.pool, ctx.tenant_ctx);
  ctx.tenant_id = tx.tenant_id();
  // One extra row tells whether another page exists.
  auto r = tx.exec_prepared("audit_log_list", null_if_empty(action), null_if_empty(actor),
                            null_if_empty(target_type), null_if_empty(target), null_if_empty(from),
                            null_if_empty(to), null_if_empty(after_at), null_if_empty(after_id), limit + 1);
  tx.commit();

  auto write_row = [](util::JsonOut& j, const pqxx::row& row) {
    j.begin_object()
        .str("id", row[0].c_str())
        .str("at", row[1].c_str())
        .str_or_null("actor_id", row[3].is_null() ? nullptr : row[3].c_str())
        .str_or_null("actor_role", row[4].is_null() ? nullptr : row[4].c_str())
        .str("action", row[5].c_str())
        .str_or_null("target_type", row[6].is_null() ? nullptr : row[6].c_str())
        .str_or_null("target_id", row[7].is_null() ? nullptr : row[7].c_str())
        .raw("details", row[8].c_str())
        .str_or_null("request_id", row[9].is_null() ? nullptr : row[9].c_str())
        .end_object();
  };
  return page_response(r, limit, write_row, [](const pqxx::row& last) {
    return std::string(last[2].c_str()) + "|" + last[0].c_str();
  });
}

}  // namespace audit_log

void add_audit_log_statements() {
  using db::ts;
  db::add_statements({
      {"audit_log_list", "select id, " + ts("at") +
                             ", at_cursor, actor_id, actor_role, action, target_type, target_id, "
                             "details::text, request_id "
                             "from api.list_audit_log($1, $2::uuid, $3, $4, $5, $6, $7, $8::uuid, $9::int)"},
  });
}


}  // namespace tenantd::api
