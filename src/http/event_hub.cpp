#include "http/event_hub.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>

#include "http/problem.hpp"

namespace tenantd {
namespace {

// At most this many events wait for a stream that is not attached yet; more means the client
// never finished opening, and the stream is dropped.
constexpr size_t kMaxWaiting = 1000;

std::string to_json(const rapidjson::Value& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace

bool LiveEvent::parse(const std::string& payload, LiveEvent& out) {
  rapidjson::Document d;
  d.Parse(payload.c_str(), payload.size());
  if (d.HasParseError() || !d.IsObject()) return false;
  if (!d.HasMember("id") || !d["id"].IsInt64() || !d.HasMember("kind") || !d["kind"].IsString() ||
      !d.HasMember("data") || !d["data"].IsObject())
    return false;
  out.id = d["id"].GetInt64();
  out.kind = d["kind"].GetString();
  out.tenant_id = d.HasMember("tenant_id") && d["tenant_id"].IsString() ? d["tenant_id"].GetString() : "";
  out.data = to_json(d["data"]);
  out.payload = payload;
  return out.id > 0;
}

std::string sse_frame(long long id, const std::string& event, const std::string& data) {
  std::string f;
  if (id > 0) f += "id: " + std::to_string(id) + "\n";
  if (!event.empty()) f += "event: " + event + "\n";
  size_t start = 0;
  while (true) {
    const size_t nl = data.find('\n', start);
    f += "data: " + data.substr(start, nl == std::string::npos ? std::string::npos : nl - start) + "\n";
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return f + "\n";
}

void Subscription::set_opening(std::string text, long long last_id) {
  std::lock_guard<std::mutex> lk(mu_);
  opening_ = std::move(text);
  last_id_ = std::max(last_id_, last_id);
}

std::string Subscription::frame_for(const LiveEvent& e) const {
  if (tenant_.empty()) return sse_frame(e.id, e.kind, e.payload);
  // a public stream: its own tenant's status, in the public status shape, nothing else
  if (e.kind != "tenant.status" || e.tenant_id != tenant_) return "";
  return sse_frame(e.id, "status", e.data);
}

void Subscription::deliver(const LiveEvent& e) {
  const std::string frame = frame_for(e);
  if (frame.empty()) return;
  std::lock_guard<std::mutex> lk(mu_);
  if (dead_) return;
  if (!sink_) {
    // not attached yet: kept in arrival order; the id check happens when the opening is known
    if (waiting_.size() >= kMaxWaiting) {
      dead_ = true;
      return;
    }
    waiting_.push_back(std::to_string(e.id) + '\n' + frame);
    return;
  }
  if (e.id <= last_id_) return;
  last_id_ = e.id;
  if (!sink_->write(frame)) dead_ = true;
}

void Subscription::attach(std::unique_ptr<StreamSink> sink) {
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (dead_) {
      sink->close();
      return;
    }
    // retry: how long EventSource waits before reconnecting (ms)
    std::string first = "retry: 3000\n: connected\n\n" + opening_;
    for (const auto& w : waiting_) {
      const size_t nl = w.find('\n');
      const long long id = std::stoll(w.substr(0, nl));
      if (id <= last_id_) continue;
      last_id_ = id;
      first += w.substr(nl + 1);
    }
    waiting_.clear();
    opening_.clear();
    if (!sink->write(first)) {
      dead_ = true;
      return;
    }
    sink_ = std::move(sink);
  }
  hub_->adopt(shared_from_this());
}

bool Subscription::tick(std::chrono::steady_clock::time_point now, bool heartbeat) {
  std::lock_guard<std::mutex> lk(mu_);
  if (dead_ || !sink_) return false;
  if (now >= deadline_) {
    sink_->close();
    dead_ = true;
    return false;
  }
  if (!sink_->alive() || (heartbeat && !sink_->write(": heartbeat\n\n"))) dead_ = true;
  return !dead_;
}

void Subscription::close() {
  std::lock_guard<std::mutex> lk(mu_);
  if (sink_ && !dead_) sink_->close();
  dead_ = true;
}

EventHub::EventHub(size_t max_streams, std::chrono::seconds heartbeat, std::chrono::seconds max_age)
    : max_streams_(max_streams),
      heartbeat_(heartbeat),
      max_age_(max_age),
      last_heartbeat_(std::chrono::steady_clock::now()) {}

std::shared_ptr<Subscription> EventHub::subscribe(const std::string& tenant) {
  if (!listening_) {
    throw ApiError("events_unavailable", "live events are unavailable right now; retry shortly",
                   {{"Retry-After", "1"}});
  }
  // a full hub first lets go of the streams whose clients have left
  if (open_streams() >= max_streams_) sweep(false);
  std::lock_guard<std::mutex> lk(mu_);
  opening_.erase(std::remove_if(opening_.begin(), opening_.end(), [](const auto& w) { return w.expired(); }),
                 opening_.end());
  if (opening_.size() + live_.size() >= max_streams_) {
    throw ApiError("too_many_streams",
                   "this server has " + std::to_string(max_streams_) +
                       " event streams open (EVENT_STREAMS_MAX); retry later",
                   {{"Retry-After", "5"}});
  }
  auto s = std::make_shared<Subscription>(this, tenant, std::chrono::steady_clock::now() + max_age_);
  opening_.push_back(s);
  return s;
}

void EventHub::adopt(const std::shared_ptr<Subscription>& s) {
  std::lock_guard<std::mutex> lk(mu_);
  opening_.erase(std::remove_if(opening_.begin(), opening_.end(),
                                [&](const auto& w) { return w.expired() || w.lock() == s; }),
                 opening_.end());
  live_.push_back(s);
}

std::vector<std::shared_ptr<Subscription>> EventHub::snapshot_live() {
  std::lock_guard<std::mutex> lk(mu_);
  std::vector<std::shared_ptr<Subscription>> all = live_;
  for (const auto& w : opening_) {
    if (auto s = w.lock()) all.push_back(std::move(s));
  }
  return all;
}

void EventHub::publish(const LiveEvent& e) {
  for (const auto& s : snapshot_live()) s->deliver(e);
}

void EventHub::sweep(bool heartbeats) {
  const auto now = std::chrono::steady_clock::now();
  bool heartbeat = false;
  std::vector<std::shared_ptr<Subscription>> live;
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (heartbeats && now - last_heartbeat_ >= heartbeat_) {
      heartbeat = true;
      last_heartbeat_ = now;
    }
    live = live_;
  }
  std::vector<std::shared_ptr<Subscription>> finished;
  for (const auto& s : live) {
    if (!s->tick(now, heartbeat)) finished.push_back(s);
  }
  if (finished.empty()) return;
  std::lock_guard<std::mutex> lk(mu_);
  live_.erase(std::remove_if(live_.begin(), live_.end(),
                             [&](const auto& s) {
                               return std::find(finished.begin(), finished.end(), s) != finished.end();
                             }),
              live_.end());
}

void EventHub::close_all() {
  std::vector<std::shared_ptr<Subscription>> all;
  {
    std::lock_guard<std::mutex> lk(mu_);
    all.swap(live_);
    for (const auto& w : opening_) {
      if (auto s = w.lock()) all.push_back(std::move(s));
    }
    opening_.clear();
  }
  for (const auto& s : all) s->close();
}

size_t EventHub::open_streams() {
  std::lock_guard<std::mutex> lk(mu_);
  size_t n = live_.size();
  for (const auto& w : opening_) n += w.expired() ? 0 : 1;
  return n;
}

}  // namespace tenantd
