// POST /v1/webhooks/identity: identity-provider events (Clerk through Svix) in the Standard
// Webhooks format. The handler only verifies, records and enqueues (one statement,
// api.receive_webhook_event); the 'webhook.process' job (src/jobs/webhooks.cpp) applies the
// event, so the provider gets its 2xx fast. docs/webhooks.md describes set-up and events.
// A route that answers by itself (docs/architecture.md): its one call goes over the worker
// pool (tenantd_worker), because receiving an event enqueues a job, which the app role may not.
#include "api/webhooks.hpp"

#include <rapidjson/document.h>
#include <spdlog/spdlog.h>

#include <ctime>

#include "api/reply.hpp"
#include "auth/webhook_signature.hpp"
#include "db/pool.hpp"
#include "http/metrics.hpp"
#include "http/problem.hpp"
#include "util/config.hpp"

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
    metrics().count_webhook_delivery("rejected");
    throw ApiError(e.code(), e.what());
  }
  if (id.size() > 255) throw ApiError("invalid_event", "webhook-id must be at most 255 characters");
  if (!ctx.has_json || !ctx.json.IsObject() || !ctx.json.HasMember("type") || !ctx.json["type"].IsString()) {
    throw ApiError("invalid_event", "the event must be a JSON object with a string \"type\"");
  }
  const std::string type = ctx.json["type"].GetString();

  // Recorded as tenantd_worker: receiving an event enqueues its job, which the app role may not
  // do. No tenant is involved (the event names none yet); the context carries the request id.
  if (!ctx.svc.worker_pool) throw std::runtime_error("no worker pool for webhook receipt");
  Response res = reply_response(db::call_api(*ctx.svc.worker_pool, "api.receive_webhook_event",
                                             ctx.context_json, {id, type, ctx.body}, false));
  // {id, type, duplicate}: a redelivery of an event already recorded is a no-op, counted apart
  rapidjson::Document d;
  d.Parse(res.body.c_str());
  const bool duplicate = !d.HasParseError() && d.IsObject() && d.HasMember("duplicate") &&
                         d["duplicate"].IsBool() && d["duplicate"].GetBool();
  metrics().count_webhook_delivery(duplicate ? "duplicate" : "accepted");
  return res;
}

}  // namespace webhooks

}  // namespace tenantd::api
