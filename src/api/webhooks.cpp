// POST /v1/webhooks/identity: identity-provider events (Clerk through Svix) in the Standard
// Webhooks format. The handler only verifies, records and enqueues (one short transaction,
// tenantd.receive_webhook_event); the 'webhook.process' job (src/jobs/webhooks.cpp) applies the
// event, so the provider gets its 2xx fast. docs/webhooks.md describes set-up and events.
#include <spdlog/spdlog.h>

#include <ctime>

#include "api/webhooks.hpp"
#include "auth/webhook_signature.hpp"
#include "db/pool.hpp"
#include "http/problem.hpp"
#include "util/config.hpp"
#include "util/json.hpp"

namespace tenantd::api {

namespace {

// The Standard Webhooks name, else Svix's (Clerk sends svix-*).
std::string webhook_header(const RequestContext& ctx, const std::string& suffix) {
  if (const auto* v = ctx.header("webhook-" + suffix)) return *v;
  if (const auto* v = ctx.header("svix-" + suffix)) return *v;
  return "";
}

}  // namespace

namespace webhooks {

Response receive(RequestContext& ctx) {
  const std::string id = webhook_header(ctx, "id");
  const std::string timestamp = webhook_header(ctx, "timestamp");
  const std::string signature = webhook_header(ctx, "signature");

  std::vector<std::string> keys;
  try {
    keys = auth::parse_webhook_secrets(ctx.svc.config.webhook_secret);
  } catch (const std::exception& e) {
    spdlog::error("\"msg\":\"WEBHOOK_SECRET is malformed\",\"error\":\"{}\"", e.what());
    throw ApiError("webhooks_unavailable", "webhook verification is not configured correctly");
  }
  // Every refusal is a 401 (Standard Webhooks): the sender retries, an attacker learns nothing
  // beyond the reason code. The signature covers the raw body bytes exactly as received.
  try {
    auth::verify_webhook(keys, id, timestamp, ctx.body, signature, static_cast<int64_t>(std::time(nullptr)),
                         ctx.svc.config.webhook_tolerance_seconds);
  } catch (const auth::WebhookError& e) {
    throw ApiError(e.code(), e.what());
  }
  if (id.size() > 255) throw ApiError("invalid_event", "webhook-id must be at most 255 characters");
  if (!ctx.has_json || !ctx.json.IsObject() || !ctx.json.HasMember("type") || !ctx.json["type"].IsString()) {
    throw ApiError("invalid_event", "the event must be a JSON object with a string \"type\"");
  }
  const std::string type = ctx.json["type"].GetString();

  // Recorded as tenantd_worker: receiving an event enqueues its job, which the app role may not
  // do. No tenant context is involved (the event names no tenant yet), hence a plain transaction.
  if (!ctx.svc.worker_pool) throw std::runtime_error("no worker pool for webhook receipt");
  bool created = false;
  {
    db::Lease lease = ctx.svc.worker_pool->acquire();
    try {
      pqxx::work tx(lease.conn());
      auto r = tx.exec_params("select tenantd.receive_webhook_event($1, $2, $3::jsonb)", id, type, ctx.body);
      tx.commit();
      created = r.at(0).at(0).as<bool>();
    } catch (const pqxx::broken_connection&) {
      lease.mark_broken();
      throw;
    }
  }
  util::JsonOut j;
  j.begin_object().str("id", id).str("type", type).boolean("duplicate", !created).end_object();
  return {200, j.take()};
}

}  // namespace webhooks


}  // namespace tenantd::api
