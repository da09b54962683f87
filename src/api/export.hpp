#pragma once
#include <vector>

#include "http/request_context.hpp"
#include "http/response.hpp"

namespace tenantd::api::data_export {

// POST /v1/export {"include_secrets": false} (body optional): api.create_export(ctx, include_secrets).
std::vector<db::Arg> create(RequestContext& ctx);
// GET /v1/export/{id}: api.get_export(ctx, id, EXPORT_LINK_TTL_SECONDS).
std::vector<db::Arg> get(RequestContext& ctx);
// GET /v1/export/{id}/download?token=…: api.download_export checks the link (tenant, token hash,
// expiry) and audits the download; then this handler sends the file from EXPORT_DIR.
Response download(RequestContext& ctx);

}  // namespace tenantd::api::data_export
