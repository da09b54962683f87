// /v1/usage: metering reports and app-defined meters. The rules (metric names, value bounds,
// the occurred_at window, idempotency by event id, date ranges) are SQL's, so psql users get
// the same answers (tenantd.record_usage_events, api.get_usage*); the handlers check the shape
// of the request, bound what reaches the database and pass the rest on as text.
#include "api/usage.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "api/input.hpp"
#include "http/problem.hpp"

namespace tenantd::api::usage {

namespace {

constexpr size_t kMaxEvents = 100;

std::string to_json(const rapidjson::Value& v) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  v.Accept(w);
  return std::string(sb.GetString(), sb.GetSize());
}

// A query parameter's text, bounded; absent or empty is NULL (the report's default).
db::Arg query_text(const RequestContext& ctx, const char* name, size_t max_len) {
  auto v = ctx.query_value(name);
  if (!v || v->empty()) return std::nullopt;
  if (v->size() > max_len) {
    throw ApiError("invalid_query",
                   std::string(name) + " is longer than " + std::to_string(max_len) + " characters");
  }
  return *v;
}

}  // namespace

// api.record_usage_events(ctx, events, single)
std::vector<db::Arg> record_events(RequestContext& ctx) {
  if (!ctx.has_json) {
    throw ApiError("body_required",
                   "a JSON body is required: one event {\"id\", \"metric\", \"value\", \"occurred_at\"} or "
                   "{\"events\": [...]}");
  }
  auto events = ctx.json.FindMember("events");
  if (events == ctx.json.MemberEnd()) {
    // one event: its fields are checked in SQL, unknown ones included
    return {"[" + to_json(ctx.json) + "]", std::string("true")};
  }
  reject_unknown_fields(ctx, {"events"});
  if (!events->value.IsArray() || events->value.Empty()) {
    throw ApiError("invalid_field_type", "field 'events' must be a non-empty JSON array of events");
  }
  if (events->value.Size() > kMaxEvents) {
    throw ApiError("too_many_entries", "at most " + std::to_string(kMaxEvents) + " events per request (got " +
                                           std::to_string(events->value.Size()) + ")");
  }
  return {to_json(events->value), std::string("false")};
}

// api.get_usage(ctx)
std::vector<db::Arg> current(RequestContext&) {
  return {};
}

// api.get_usage_daily(ctx, metric, from, to)
std::vector<db::Arg> daily(RequestContext& ctx) {
  return {query_text(ctx, "metric", 63), query_text(ctx, "from", 10), query_text(ctx, "to", 10)};
}

// api.get_usage_trends(ctx, metric, days)
std::vector<db::Arg> trends(RequestContext& ctx) {
  db::Arg days = query_text(ctx, "days", 3);
  if (days && days->find_first_not_of("0123456789") != std::string::npos) {
    throw ApiError("invalid_query", "days must be an integer from 1 to 90");
  }
  return {query_text(ctx, "metric", 63), days};
}

}  // namespace tenantd::api::usage
