// /v1/invitations: invite (one or in bulk), list, get, revoke, and the public accept. The
// handlers check and convert the input into the arguments of their route's api.* function
// (api/route_table.cpp); the functions (sql/80–82) do the work and shape the answers. The token
// is made in the database (tenantd.new_invitation_token), answered once at creation, and only
// its SHA-256 is stored, so no later read can show it again.
//
// Two routes answer by themselves (docs/architecture.md): accept (with a password, the cheap
// token check and the slow password hash come before the call that accepts, so this public
// route cannot be used to burn CPU) and bulk (one call; the SQLSTATEs of entries that failed
// in SQL become problem codes through the one problem table).
#include "api/invitations.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <regex>

#include "api/input.hpp"
#include "api/reply.hpp"
#include "auth/password.hpp"
#include "auth/token_issuer.hpp"
#include "http/problem.hpp"
#include "http/problem_table.hpp"
#include "util/config.hpp"
#include "util/json.hpp"
#include "util/uuid.hpp"

namespace tenantd::api {

namespace {

constexpr size_t kMaxBulkEntries = 1000;

// expires_in_days: an integer 1..30, default INVITATION_EXPIRY_DAYS.
int expiry_days(const rapidjson::Value* v, int def) {
  if (!v || v->IsNull()) return def;
  if (!v->IsInt()) throw ApiError("invalid_field_type", "field 'expires_in_days' must be an integer");
  const int d = v->GetInt();
  if (d < 1 || d > 30) throw ApiError("validation_failed", "expires_in_days must be an integer from 1 to 30");
  return d;
}

const rapidjson::Value* member(const rapidjson::Value& obj, const char* name) {
  auto it = obj.FindMember(name);
  return it == obj.MemberEnd() ? nullptr : &it->value;
}

// An id that is not a uuid names no invitation; the permission check (tenantd.enter) still
// comes first, so it is sent as the nil uuid rather than refused here.
std::string invitation_id_param(const RequestContext& ctx) {
  const std::string& id = *ctx.param("id");
  return util::is_uuid(id) ? util::canonical_uuid(id) : std::string("00000000-0000-0000-0000-000000000000");
}

bool is_b64url_token(const std::string& t) {
  if (t.size() != 43) return false;
  for (char c : t) {
    if (!(isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
  }
  return true;
}

// bytea input syntax for a SHA-256 given in hex
std::string bytea_hex(const std::string& hex) {
  return "\\x" + hex;
}

// One result of the bulk answer: an entry that failed in SQL comes as {index, sqlstate,
// detail} and leaves as {index, status, code, detail}, as the one problem table says.
void map_bulk_result(rapidjson::Value& entry, rapidjson::Document::AllocatorType& a) {
  if (!entry.IsObject() || !entry.HasMember("sqlstate") || !entry["sqlstate"].IsString()) return;
  const SqlProblem p = problem_for_sqlstate(entry["sqlstate"].GetString());
  const std::string detail = p.fixed_detail ? p.fixed_detail
                             : entry.HasMember("detail") && entry["detail"].IsString()
                                 ? entry["detail"].GetString()
                                 : "";
  rapidjson::Value out(rapidjson::kObjectType);
  out.AddMember("index", entry["index"], a);
  out.AddMember("status", p.status, a);
  out.AddMember("code", rapidjson::Value(p.code, a), a);
  out.AddMember("detail",
                rapidjson::Value(detail.c_str(), static_cast<rapidjson::SizeType>(detail.size()), a), a);
  entry = std::move(out);
}

}  // namespace

namespace invitations {

// api.create_invitation(ctx, email, role, expires_in_days)
std::vector<db::Arg> create(RequestContext& ctx) {
  reject_unknown_fields(ctx, {"email", "role", "expires_in_days"});
  const std::string email = required_string(ctx, "email", 254);
  const std::string role = required_string(ctx, "role", 63);
  const int days = expiry_days(member(ctx.json, "expires_in_days"), ctx.svc.config.invitation_expiry_days);
  return {email, role, std::to_string(days)};
}

// POST /v1/invitations/bulk: one call of api.create_invitations_bulk(ctx, entries). Entries
// refused by their shape here go along with their problem, so the answer keeps input order.
Response create_bulk(RequestContext& ctx) {
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

  util::JsonOut in;
  in.writer().StartArray();
  for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
    const rapidjson::Value& e = (*list)[i];
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
      in.begin_object()
          .integer("index", i)
          .str("email", fields[0])
          .str("role", fields[1])
          .integer("expires_in_days", days)
          .end_object();
    } catch (const ApiError& err) {
      in.begin_object()
          .integer("index", i)
          .integer("status", err.status())
          .str("code", err.code())
          .str("detail", err.detail())
          .end_object();
    }
  }
  in.writer().EndArray();

  db::Reply reply =
      db::call_api(ctx.svc.pool, "api.create_invitations_bulk", ctx.context_json, {in.take()}, false);
  if (reply.status == 200 && !reply.body.empty()) {
    rapidjson::Document d;
    d.Parse(reply.body.c_str());
    if (d.HasParseError() || !d.IsObject() || !d.HasMember("results") || !d["results"].IsArray()) {
      throw std::runtime_error("api.create_invitations_bulk answered a malformed body");
    }
    for (auto& entry : d["results"].GetArray()) map_bulk_result(entry, d.GetAllocator());
    rapidjson::StringBuffer sb;
    rapidjson::Writer<rapidjson::StringBuffer> w(sb);
    d.Accept(w);
    reply.body.assign(sb.GetString(), sb.GetSize());
  }
  return reply_response(std::move(reply));
}

// api.list_invitations(ctx, limit, status, after_created_at, after_id)
std::vector<db::Arg> list(RequestContext& ctx) {
  const int limit = page_limit(ctx);
  db::Arg status;
  if (auto s = ctx.query_value("status")) {
    if (*s != "pending" && *s != "expired" && *s != "accepted" && *s != "revoked") {
      throw ApiError("invalid_status", "status must be one of pending, expired, accepted, revoked");
    }
    status = *s;
  }
  db::Arg after_at, after_id;
  if (auto c = ctx.query_value("cursor")) {
    const std::string key = decode_cursor(*c);
    const auto bar = key.find('|');
    static const std::regex kTs("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}Z$");
    if (bar == std::string::npos || !std::regex_match(key.substr(0, bar), kTs) ||
        !util::is_uuid(key.substr(bar + 1))) {
      throw ApiError("invalid_cursor", "the cursor is not one this service issued");
    }
    after_at = key.substr(0, bar);
    after_id = util::canonical_uuid(key.substr(bar + 1));
  }
  return {std::to_string(limit), status, after_at, after_id};
}

// api.get_invitation(ctx, id)
std::vector<db::Arg> get(RequestContext& ctx) {
  return {invitation_id_param(ctx)};
}

// api.revoke_invitation(ctx, id)
std::vector<db::Arg> revoke(RequestContext& ctx) {
  reject_unknown_fields(ctx, {});
  return {invitation_id_param(ctx)};
}

// Public: the invitee has no token of ours yet; the invitation token is the credential.
// Without a password: one call of api.accept_invitation. With one: api.check_invitation_token
// first (an unknown, expired, revoked or used token is refused, 404/410, before any password
// hash is computed), the slow KDF between the calls (no connection waits for it), then the call
// that accepts.
Response accept(RequestContext& ctx) {
  reject_unknown_fields(ctx, {"token", "password", "display_name"});
  const std::string token = required_string(ctx, "token", 256);
  const auto password = optional_string(ctx, "password", 1024);
  const auto display_name = optional_string(ctx, "display_name", 200);
  if (!is_b64url_token(token)) throw ApiError("invitation_not_found", "no invitation matches this token");
  if (password && password->size() < 8) {
    throw ApiError("validation_failed", "password must be at least 8 characters");
  }
  const std::string hash = bytea_hex(auth::token_hash_hex(token));
  db::Arg password_hash;
  if (password) {
    db::call_api(ctx.svc.pool, "api.check_invitation_token", ctx.context_json, {hash}, false);
    password_hash = auth::hash_password(*password);
  }
  db::Reply reply = db::call_api(
      ctx.svc.pool, "api.accept_invitation", ctx.context_json,
      {hash, password_hash, display_name, std::to_string(ctx.svc.config.max_tenants_per_user)}, false);
  ctx.tenant_id = reply_string(reply_object(reply, "api.accept_invitation"), "tenant_id");  // access log
  return reply_response(std::move(reply));
}

}  // namespace invitations

}  // namespace tenantd::api
