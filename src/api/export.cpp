// /v1/export: a tenant's data export (docs/data-lifecycle.md). The job (jobs/export.cpp) writes
// the file; these handlers start it, show its status and a download link, and send the file
// once api.download_export has checked the link and recorded the download
// (EXPORT_DIR/<tenant>/<export id>.tar).
#include "api/export.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "api/input.hpp"
#include "api/reply.hpp"
#include "auth/token_issuer.hpp"
#include "http/problem.hpp"
#include "util/base64url.hpp"
#include "util/config.hpp"
#include "util/sha256.hpp"
#include "util/uuid.hpp"

namespace tenantd::api::data_export {
namespace {

std::string export_id(const RequestContext& ctx) {
  const std::string& id = *ctx.param("id");
  if (!util::is_uuid(id)) throw ApiError("export_not_found", "no such export in this tenant");
  return util::canonical_uuid(id);
}

}  // namespace

// api.create_export(ctx, include_secrets)
std::vector<db::Arg> create(RequestContext& ctx) {
  bool include_secrets = false;
  if (ctx.has_json) {
    reject_unknown_fields(ctx, {"include_secrets"});
    auto it = ctx.json.FindMember("include_secrets");
    if (it != ctx.json.MemberEnd() && !it->value.IsNull()) {
      if (!it->value.IsBool())
        throw ApiError("invalid_field_type", "field 'include_secrets' must be a boolean");
      include_secrets = it->value.GetBool();
    }
  }
  return {std::string(include_secrets ? "true" : "false")};
}

// api.get_export(ctx, id, link_ttl_seconds)
std::vector<db::Arg> get(RequestContext& ctx) {
  return {export_id(ctx), std::to_string(ctx.svc.config.export_link_ttl_seconds)};
}

Response download(RequestContext& ctx) {
  const std::string id = export_id(ctx);
  const std::string token = ctx.query_value("token").value_or("");
  // the links carry 43 base64url characters; anything else matches no export
  if (token.size() != 43 || !util::base64url_decode(token))
    throw ApiError("export_not_found", "no such export in this tenant, or the link is not its latest");
  db::Reply reply = db::call_api(ctx.svc.pool, "api.download_export", ctx.context_json,
                                 {id, "\\x" + auth::token_hash_hex(token)}, false);
  rapidjson::Document d = reply_object(reply, "api.download_export");
  const std::string file = reply_string(d, "file"), sha256 = reply_string(d, "sha256");
  // the name comes from the database and the job made it (<uuid>.tar, checked there too)
  if (file.size() != 40 || !util::is_uuid(file.substr(0, 36)) || file.substr(36) != ".tar")
    throw std::runtime_error("api.download_export answered an unexpected file name");
  const std::string tenant = reply_string(d, "tenant_id");
  if (!util::is_uuid(tenant)) throw std::runtime_error("api.download_export answered no tenant");
  std::ifstream in(std::filesystem::path(ctx.svc.config.export_dir) / util::canonical_uuid(tenant) / file,
                   std::ios::binary);
  if (!in) {
    throw ApiError("export_file_missing",
                   "the export's file is no longer on this server (EXPORT_DIR); start a new export");
  }
  std::ostringstream bytes;
  bytes << in.rdbuf();
  Response res(200, bytes.str());
  if (util::sha256_hex(res.body) != sha256) {
    throw ApiError("export_file_missing",
                   "the export's file on this server is not the one the export wrote; "
                   "start a new export");
  }
  res.content_type = "application/x-tar";
  res.headers["Content-Disposition"] = "attachment; filename=\"tenantd-export-" + id + ".tar\"";
  res.headers["Cache-Control"] = "no-store";
  return res;
}

}  // namespace tenantd::api::data_export
