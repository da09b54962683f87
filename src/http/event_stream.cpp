#include "http/event_stream.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "db/pool.hpp"
#include "http/event_hub.hpp"
#include "http/problem.hpp"

namespace tenantd {
namespace {

std::string to_json(const rapidjson::Value& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  return std::string(buf.GetString(), buf.GetSize());
}

long long id_of(const rapidjson::Value& v) {
  return v.IsInt64() ? v.GetInt64() : 0;
}

// The opening's frames from the api.* answer: for an operator stream the replayed events
// (api.admin_events) and a 'ready' event; for a status stream the replayed status events, then
// the current status (api.tenant_status_events), newest last, so a client that draws each
// 'status' it gets ends on the truth.
std::string opening_text(const rapidjson::Document& d, bool operator_stream, long long& last_id) {
  std::string text;
  last_id = d.HasMember("last_id") ? id_of(d["last_id"]) : 0;
  if (d.HasMember("data") && d["data"].IsArray()) {
    for (const auto& e : d["data"].GetArray()) {
      if (!e.IsObject() || !e.HasMember("id")) continue;
      if (operator_stream) {
        const std::string kind =
            e.HasMember("kind") && e["kind"].IsString() ? e["kind"].GetString() : "event";
        text += sse_frame(id_of(e["id"]), kind, to_json(e));
      } else if (e.HasMember("data")) {
        text += sse_frame(id_of(e["id"]), "status", to_json(e["data"]));
      }
    }
  }
  if (operator_stream) {
    // The id is the newest event the opening covers: a client that has seen no event yet still
    // reconnects with Last-Event-ID and replays what happened while it was away (without it, a
    // stream that dropped before its first event would lose the gap).
    text += sse_frame(last_id, "ready", "{\"last_id\":" + std::to_string(last_id) + "}");
  } else if (d.HasMember("status")) {
    text += sse_frame(last_id, "status", to_json(d["status"]));
  }
  return text;
}

}  // namespace

db::Arg last_event_id(const RequestContext& ctx) {
  const std::string* h = ctx.header("last-event-id");
  if (!h || h->empty()) return std::nullopt;
  if (h->size() > 18 || h->find_first_not_of("0123456789") != std::string::npos) {
    throw ApiError("invalid_header", "Last-Event-ID must be an event id this service sent");
  }
  return *h;
}

Response open_event_stream(RequestContext& ctx, const Route& route, const std::vector<db::Arg>& args) {
  EventHub* hub = ctx.svc.events;
  if (!hub) throw ApiError("events_unavailable", "live events are not served by this process");
  const bool operator_stream = route.options.stream == EventStream::kOperator;
  if (!operator_stream && ctx.tenant_id.empty()) throw ApiError("tenant_not_found", "no such tenant");
  std::shared_ptr<Subscription> sub = hub->subscribe(operator_stream ? std::string() : ctx.tenant_id);
  db::Reply r = db::call_api(ctx.svc.pool, route.function, ctx.context_json, args, true);
  if (r.status != 200) return reply_response(std::move(r));
  rapidjson::Document d;
  d.Parse(r.body.c_str(), r.body.size());
  if (d.HasParseError() || !d.IsObject())
    throw std::runtime_error("event stream opening is not a JSON object");
  long long last_id = 0;
  sub->set_opening(opening_text(d, operator_stream, last_id), last_id);
  Response res(200, "");
  res.content_type = "text/event-stream";
  res.headers["Cache-Control"] = "no-store";
  // proxies (nginx) must pass each event on as it comes
  res.headers["X-Accel-Buffering"] = "no";
  res.stream = std::move(sub);
  return res;
}

}  // namespace tenantd
