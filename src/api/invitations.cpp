// /v1/invitations: invite (one or in bulk), list, get, revoke, and the public accept.
// The token is 256 bits from OpenSSL's generator, answered once at creation; the database
// stores only its SHA-256 (api.create_invitation), so no later read can show it again.
#include <regex>

#include "api/idempotency.hpp"
#include "api/input.hpp"
#include "api/page.hpp"
#include "api/invitations.hpp"
#include "auth/password.hpp"
#include "auth/token_issuer.hpp"
#include "http/problem_table.hpp"
#include "db/statements.hpp"
#include "db/tenant_tx.hpp"
#include "http/problem.hpp"
#include "util/config.hpp"
#include "util/json.hpp"
#include "util/random.hpp"
#include "util/uuid.hpp"

namespace tenantd::api {

namespace {

constexpr size_t kMaxBulkEntries = 1000;

// Columns of an invitation as every statement below returns them, in this order.
const char* const kInvitationColumns =
    "id, email, role, status, {expires_at}, {created_at}, invited_by, {accepted_at}, accepted_by, "
    "{revoked_at}";

std::string invitation_columns() {
  std::string s = kInvitationColumns;
  for (const char* c : {"expires_at", "created_at", "accepted_at", "revoked_at"}) {
    const std::string key = std::string("{") + c + "}";
    s.replace(s.find(key), key.size(), db::ts(c));
  }
  return s;
}

const char* nullable(const pqxx::field& f) {
  return f.is_null() ? nullptr : f.c_str();
}

// Writes the members of an invitation object (columns 0..9 of `row`) without braces.
void write_invitation_fields(util::JsonOut& j, const pqxx::row& row) {
  j.str("id", row[0].c_str())
      .str("email", row[1].c_str())
      .str("role", row[2].c_str())
      .str("status", row[3].c_str())
      .str("expires_at", row[4].c_str())
      .str("created_at", row[5].c_str())
      .str_or_null("invited_by", nullable(row[6]))
      .str_or_null("accepted_at", nullable(row[7]))
      .str_or_null("accepted_by", nullable(row[8]))
      .str_or_null("revoked_at", nullable(row[9]));
}

void write_invitation(util::JsonOut& j, const pqxx::row& row) {
  j.begin_object();
  write_invitation_fields(j, row);
  j.end_object();
}

// expires_in_days: an integer 1..30, default INVITATION_EXPIRY_DAYS.
int expiry_days(const rapidjson::Value* v, int def) {
  if (!v || v->IsNull()) return def;
  if (!v->IsInt()) throw ApiError("invalid_field_type", "field 'expires_in_days' must be an integer");
  const int d = v->GetInt();
  if (d < 1 || d > 30)
    throw ApiError("validation_failed", "expires_in_days must be an integer from 1 to 30");
  return d;
}

const rapidjson::Value* member(const rapidjson::Value& obj, const char* name) {
  auto it = obj.FindMember(name);
  return it == obj.MemberEnd() ? nullptr : &it->value;
}

}  // namespace

namespace invitations {

Response create_invitation(RequestContext& ctx) {
  const Idempotency idem = idempotency_for(ctx);
  reject_unknown_fields(ctx, {"email", "role", "expires_in_days"});
  const std::string email = required_string(ctx, "email", 254);
  const std::string role = required_string(ctx, "role", 63);
  const int days = expiry_days(member(ctx.json, "expires_in_days"), ctx.svc.config.invitation_expiry_days);
  const std::string token = util::random_token_b64url(32);

  db::TenantTx tx(ctx.svc.pool, ctx.tenant_ctx);
  ctx.tenant_id = tx.tenant_id();
  if (auto replay = idem.begin(tx)) return *replay;
  auto r = tx.exec_prepared("invitations_create", email, role, days, auth::token_hash_hex(token));
  if (r.size() != 1) throw std::runtime_error("create_invitation returned no row");

  // The token exists only in this answer: an Idempotency-Key replay gets the invitation
  // without it (the stored answer must not hold a usable token), with token_shown_once.
  util::JsonOut stored;
  stored.begin_object();
  write_invitation_fields(stored, r[0]);
  stored.null("token").boolean("token_shown_once", true).end_object();
  Response replayable{201, stored.take()};
  idem.finish(tx, replayable);
  tx.commit();

  util::JsonOut j;
  j.begin_object();
  write_invitation_fields(j, r[0]);
  j.str("token", token).end_object();
  Response res{201, j.take()};
  res.headers["Location"] = "/v1/invitations/" + std::string(r[0][0].c_str());
  res.headers["Cache-Control"] = "no-store";
  return res;
}

// The answer the one problem table gives for a SQLSTATE and its message (as the dispatcher does).
void problem_of(const std::string& state, const std::string& message, int& status, std::string& code,
                std::string& detail) {
  const SqlProblem p = problem_for_sqlstate(state);
  status = p.status;
  code = p.code;
  detail = p.fixed_detail ? p.fixed_detail : message.substr(0, message.find('\n'));
}

struct BulkResult {
  int status = 0;
  std::string code, detail;
  std::string token;
  long row = -1;  // index into the SQL result when the entry was created
};

Response create_bulk(RequestContext& ctx) {
  const Idempotency idem = idempotency_for(ctx);
  if (!ctx.has_json) throw ApiError("body_required", "a JSON body is required");
  reject_unknown_fields(ctx, {"invitations"});
  const rapidjson::Value* list = member(ctx.json, "invitations");
  if (!list || list->IsNull()) throw ApiError("missing_field", "field 'invitations' is required");
  if (!list->IsArray()) throw ApiError("invalid_field_type", "field 'invitations' must be an array");
  if (list->Empty()) throw ApiError("validation_failed", "invitations must hold at least one entry");
  if (list->Size() > kMaxBulkEntries) {
    throw ApiError("too_many_entries",
                   "at most " + std::to_string(kMaxBulkEntries) + " invitations per request");
  }

  // Shape errors are answered per entry here; well-formed entries go to SQL with their token hash.
  std::vector<BulkResult> results(list->Size());
  util::JsonOut in;
  in.writer().StartArray();
  size_t to_sql = 0;
  for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
    const rapidjson::Value& e = (*list)[i];
    BulkResult& res = results[i];
    try {
      if (!e.IsObject()) throw ApiError("invalid_field_type", "each entry must be an object");
      for (auto it = e.MemberBegin(); it != e.MemberEnd(); ++it) {
        const std::string name = it->name.GetString();
        if (name != "email" && name != "role" && name != "expires_in_days") {
          throw ApiError("unknown_field", "unknown field '" + name + "'");
        }
      }
      std::string fields[2];
      const char* names[2] = {"email", "role"};
      const size_t limits[2] = {254, 63};
      for (int k = 0; k < 2; ++k) {
        const rapidjson::Value* v = member(e, names[k]);
        if (!v || v->IsNull())
          throw ApiError("missing_field", std::string("field '") + names[k] + "' is required");
        if (!v->IsString())
          throw ApiError("invalid_field_type", std::string("field '") + names[k] + "' must be a string");
        if (v->GetStringLength() > limits[k]) {
          throw ApiError("validation_failed", std::string("field '") + names[k] + "' is too long");
        }
        fields[k].assign(v->GetString(), v->GetStringLength());
      }
      const int days = expiry_days(member(e, "expires_in_days"), ctx.svc.config.invitation_expiry_days);
      res.token = util::random_token_b64url(32);
      in.begin_object()
          .integer("index", i)
          .str("email", fields[0])
          .str("role", fields[1])
          .integer("expires_in_days", days)
          .str("token_hash", auth::token_hash_hex(res.token))
          .end_object();
      ++to_sql;
    } catch (const ApiError& err) {
      res.status = err.status();
      res.code = err.code();
      res.detail = err.detail();
    }
  }
  in.writer().EndArray();

  pqxx::result r;
  db::TenantTx tx(ctx.svc.pool, ctx.tenant_ctx);
  ctx.tenant_id = tx.tenant_id();
  if (auto replay = idem.begin(tx)) return *replay;
  // Even when every entry failed its shape check: the call still checks the permission, so a
  // caller without invitations:write gets 403 rather than a list of 400s.
  r = tx.exec_prepared("invitations_bulk", to_sql ? in.take() : std::string("[]"));

  for (size_t k = 0; k < r.size(); ++k) {
    const auto row = r[k];
    const auto idx = row[0].as<size_t>();
    if (idx >= results.size()) throw std::runtime_error("bulk result index out of range");
    BulkResult& res = results[idx];
    if (row[11].is_null()) {
      res.status = 201;
      res.row = static_cast<long>(k);
    } else {
      problem_of(row[11].c_str(), row[12].c_str(), res.status, res.code, res.detail);
    }
  }

  // The tokens exist only in this answer: the copy kept for an Idempotency-Key replay has
  // "token": null (see create_invitation).
  auto render = [&](bool with_tokens) {
    util::JsonOut j;
    int created = 0;
    j.begin_object().begin_array("results");
    for (size_t i = 0; i < results.size(); ++i) {
      const BulkResult& res = results[i];
      j.begin_object().integer("index", static_cast<int64_t>(i)).integer("status", res.status);
      if (res.row >= 0) {
        ++created;
        j.key("invitation").begin_object();
        // columns 1..10 of the bulk row are the invitation columns
        const auto row = r[static_cast<pqxx::result::size_type>(res.row)];
        j.str("id", row[1].c_str())
            .str("email", row[2].c_str())
            .str("role", row[3].c_str())
            .str("status", row[4].c_str())
            .str("expires_at", row[5].c_str())
            .str("created_at", row[6].c_str())
            .str_or_null("invited_by", nullable(row[7]))
            .null("accepted_at")
            .null("accepted_by")
            .null("revoked_at")
            .str_or_null("token", with_tokens ? res.token.c_str() : nullptr)
            .end_object();
      } else {
        j.str("code", res.code).str("detail", res.detail);
      }
      j.end_object();
    }
    j.end_array()
        .integer("created", created)
        .integer("failed", static_cast<int64_t>(results.size()) - created)
        .end_object();
    return j.take();
  };
  idem.finish(tx, Response{200, render(false)});
  tx.commit();
  Response out{200, render(true)};
  out.headers["Cache-Control"] = "no-store";
  return out;
}

Response list_invitations(RequestContext& ctx) {
  const int limit = page_limit(ctx);
  std::string status;
  if (auto s = ctx.query_value("status")) {
    status = *s;
    if (status != "pending" && status != "expired" && status != "accepted" && status != "revoked") {
      throw ApiError("invalid_status", "status must be one of pending, expired, accepted, revoked");
    }
  }
  std::string after_at, after_id;
  if (auto c = ctx.query_value("cursor")) {
    const std::string key = decode_cursor(*c);
    const auto bar = key.find('|');
    static const std::regex kTs("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}Z$");
    if (bar == std::string::npos || !std::regex_match(key.substr(0, bar), kTs) ||
        !util::is_uuid(key.substr(bar + 1))) {
      throw ApiError("invalid_cursor", "the cursor is not one this service issued");
    }
    after_at = key.substr(0, bar);
    after_id = key.substr(bar + 1);
  }
  db::TenantTx tx(ctx.svc.pool, ctx.tenant_ctx);
  ctx.tenant_id = tx.tenant_id();
  auto r = tx.exec_prepared("invitations_list", status, after_at, after_id, limit + 1);
  tx.commit();
  return page_response(r, limit, write_invitation, [](const pqxx::row& last) {
    return std::string(last[10].c_str()) + "|" + last[0].c_str();
  });
}

Response get_invitation(RequestContext& ctx) {
  const std::string& id = *ctx.param("id");
  db::TenantTx tx(ctx.svc.pool, ctx.tenant_ctx);
  ctx.tenant_id = tx.tenant_id();
  auto may = tx.exec_prepared("invitations_may_read");
  if (may.size() != 1 || !may[0][0].as<bool>()) {
    throw ApiError("forbidden", "reading invitations needs the invitations:write permission");
  }
  if (!util::is_uuid(id)) throw ApiError("invitation_not_found", "no such invitation in this tenant");
  auto r = tx.exec_prepared("invitations_get", util::canonical_uuid(id));
  tx.commit();
  if (r.empty()) throw ApiError("invitation_not_found", "no such invitation in this tenant");
  util::JsonOut j;
  write_invitation(j, r[0]);
  return {200, j.take()};
}

Response revoke_invitation(RequestContext& ctx) {
  reject_unknown_fields(ctx, {});
  const std::string& id = *ctx.param("id");
  db::TenantTx tx(ctx.svc.pool, ctx.tenant_ctx);
  ctx.tenant_id = tx.tenant_id();
  // an id that is not a uuid names no invitation; the permission check still comes first
  auto r = tx.exec_prepared("invitations_revoke", util::is_uuid(id)
                                                      ? util::canonical_uuid(id)
                                                      : std::string("00000000-0000-0000-0000-000000000000"));
  if (r.size() != 1) throw std::runtime_error("revoke_invitation returned no row");
  tx.commit();
  util::JsonOut j;
  write_invitation(j, r[0]);
  return {200, j.take()};
}

bool is_b64url_token(const std::string& t) {
  if (t.size() != 43) return false;
  for (char c : t) {
    if (!(isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
  }
  return true;
}

// Public: the invitee has no token of ours yet; the invitation token is the credential.
Response accept_invitation(RequestContext& ctx) {
  reject_unknown_fields(ctx, {"token", "password", "display_name"});
  const std::string token = required_string(ctx, "token", 256);
  const auto password = optional_string(ctx, "password", 1024);
  const auto display_name = optional_string(ctx, "display_name", 200);
  if (!is_b64url_token(token))
    throw ApiError("invitation_not_found", "no invitation matches this token");
  if (password && password->size() < 8) {
    throw ApiError("validation_failed", "password must be at least 8 characters");
  }
  ctx.tenant_ctx.request_id = ctx.request_id;
  ctx.tenant_ctx.route = ctx.method + " " + ctx.route;
  std::string hash;
  if (password) {
    // The cheap check first: an unknown, expired, revoked or used token is refused (404/410)
    // before any password hash is computed, so this public route cannot be used to burn CPU.
    {
      db::TenantTx check(ctx.svc.pool, ctx.tenant_ctx);
      check.exec_prepared("invitations_check_token", auth::token_hash_hex(token));
      check.commit();
    }
    // the slow KDF runs between the transactions, so no connection waits for it
    hash = auth::hash_password(*password);
  }
  db::TenantTx tx(ctx.svc.pool, ctx.tenant_ctx);
  auto r = tx.exec_prepared("invitations_accept", auth::token_hash_hex(token), hash,
                            display_name.value_or(""), ctx.svc.config.max_tenants_per_user);
  if (r.size() != 1) throw std::runtime_error("accept_invitation returned no row");
  tx.commit();
  const auto& row = r[0];
  ctx.tenant_id = row[1].c_str();
  util::JsonOut j;
  j.begin_object()
      .str("invitation_id", row[0].c_str())
      .str("tenant_id", row[1].c_str())
      .str("tenant_slug", row[2].c_str())
      .str("user_id", row[3].c_str())
      .str("email", row[4].c_str())
      .str("role", row[5].c_str())
      .str("accepted_at", row[6].c_str())
      .end_object();
  return {201, j.take()};
}

}  // namespace invitations

void add_invitations_statements() {
  using db::ts;
  const std::string cols = invitation_columns();
  db::add_statements({
      {"invitations_create", "select id, email, role, status, " + ts("expires_at") + ", " + ts("created_at") +
                                 ", invited_by, null, null, null "
                                 "from api.create_invitation($1, $2, $3::int, decode($4, 'hex'))"},
      {"invitations_bulk", "select idx, id, email, role, status, " + ts("expires_at") + ", " +
                               ts("created_at") +
                               ", invited_by, null, null, null, error_state, error_message "
                               "from api.create_invitations_bulk($1::jsonb) order by idx"},
      {"invitations_list",
       "select " + cols +
           ", to_char(created_at at time zone 'utc', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') "
           "from api.list_invitations(nullif($1, ''), nullif($2, '')::timestamptz, nullif($3, '')::uuid, "
           "$4::int)"},
      {"invitations_may_read", "select tenantd.has_permission('invitations:write')"},
      // the status a client sees: a pending invitation past its expiry is 'expired'
      {"invitations_get",
       "select id, email, role, "
       "case when status = 'pending' and expires_at <= now() then 'expired' else status end, " +
           ts("expires_at") + ", " + ts("created_at") + ", invited_by, " + ts("accepted_at") +
           ", accepted_by, " + ts("revoked_at") + " from tenantd.invitations where id = $1::uuid"},
      {"invitations_revoke", "select " + cols + " from api.revoke_invitation($1::uuid)"},
      {"invitations_check_token", "select api.check_invitation_token(decode($1, 'hex'))"},
      {"invitations_accept",
       "select invitation_id, tenant_id, tenant_slug, user_id, email, role, " + ts("accepted_at") +
           " from api.accept_invitation(decode($1, 'hex'), nullif($2, ''), nullif($3, ''), $4::int)"},
  });
}


}  // namespace tenantd::api
