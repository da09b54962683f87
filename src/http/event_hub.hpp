#pragma once
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace tenantd {

// Where one client's Server-Sent Events go: the HTTP adapter implements it over Pistache's
// chunked ResponseStream (http/endpoint.cpp). write() returns false once the client is gone.
class StreamSink {
 public:
  virtual ~StreamSink() = default;
  virtual bool write(const std::string& text) = 0;
  virtual void close() = 0;  // ends the response (the client reconnects and resumes)
  // false once the client has gone (checked every tick, so a closed stream stops counting
  // against EVENT_STREAMS_MAX within about a second, without waiting for a heartbeat)
  virtual bool alive() = 0;
};

// One event as NOTIFY carried it (tenantd.record_event): id, tenant (may be empty), kind, the
// event's data (JSON text) and the whole payload (JSON text).
struct LiveEvent {
  long long id = 0;
  std::string tenant_id;
  std::string kind;
  std::string data;
  std::string payload;
  // Parses a 'tenantd_events' payload; false for anything else (logged and dropped by the caller).
  static bool parse(const std::string& payload, LiveEvent& out);
};

// One SSE frame: "id: …\nevent: …\ndata: …\n\n" (id omitted when 0, data split at newlines).
std::string sse_frame(long long id, const std::string& event, const std::string& data);

class EventHub;

// One open stream. Who sees what is decided here, once: an operator stream (tenant empty) gets
// every event as its whole payload; a public status stream gets only its own tenant's
// 'tenant.status' events, as their data (the public status shape), under the event name
// 'status'. Events that arrive before the stream is attached wait in a small buffer, and an
// event whose id the opening already covered is skipped, so subscribing before the replay query
// loses nothing and repeats nothing.
class Subscription : public std::enable_shared_from_this<Subscription> {
 public:
  Subscription(EventHub* hub, std::string tenant, std::chrono::steady_clock::time_point deadline)
      : hub_(hub), tenant_(std::move(tenant)), deadline_(deadline) {}
  // The text sent first (replay, snapshot) and the newest event id it covers.
  void set_opening(std::string text, long long last_id);
  // Called by the HTTP adapter once the response headers can go out: sends the opening and
  // what waited, then the hub writes live events and heartbeats to `sink` until it fails.
  void attach(std::unique_ptr<StreamSink> sink);
  bool operator_stream() const { return tenant_.empty(); }

 private:
  friend class EventHub;
  // what this stream sends for `e`, or "" when it is not for this stream
  std::string frame_for(const LiveEvent& e) const;
  void deliver(const LiveEvent& e);
  // false when the stream is finished (client gone, deadline passed, hub closing)
  bool tick(std::chrono::steady_clock::time_point now, bool heartbeat);
  void close();

  EventHub* hub_;
  const std::string tenant_;
  const std::chrono::steady_clock::time_point deadline_;
  std::mutex mu_;
  std::unique_ptr<StreamSink> sink_;
  std::string opening_;
  std::vector<std::string> waiting_;
  long long last_id_ = 0;
  bool dead_ = false;
};

// The process's fan-out of live events: one listener connection (db/event_listener.cpp)
// publishes, every open stream gets what it may see. Bounded: at most `max_streams` streams
// (opening or open) at a time; a stream lives at most `max_age`, then ends and the client
// reconnects, which authorises it again (a removed operator stops receiving within max_age).
class EventHub {
 public:
  EventHub(size_t max_streams, std::chrono::seconds heartbeat, std::chrono::seconds max_age);
  // A new stream; tenant empty: an operator's. Throws ApiError too_many_streams (503) when full.
  std::shared_ptr<Subscription> subscribe(const std::string& tenant);
  void publish(const LiveEvent& e);
  // Heartbeats (every `heartbeat`), deadlines and dead clients; called about once a second.
  void tick() { sweep(true); }
  // Ends every stream (the listener lost its connection and may have missed events; clients
  // reconnect with Last-Event-ID and replay from the table), or at shutdown.
  void close_all();
  size_t open_streams();
  // Set by the listener: while it has no connection, new streams are refused (503
  // events_unavailable), since they would hear nothing.
  void set_listening(bool on) { listening_ = on; }

 private:
  friend class Subscription;
  void adopt(const std::shared_ptr<Subscription>& s);
  std::vector<std::shared_ptr<Subscription>> snapshot_live();
  // drops finished streams; writes heartbeats when due and `heartbeats`
  void sweep(bool heartbeats);

  const size_t max_streams_;
  const std::chrono::seconds heartbeat_;
  const std::chrono::seconds max_age_;
  std::mutex mu_;
  std::vector<std::weak_ptr<Subscription>> opening_;
  std::vector<std::shared_ptr<Subscription>> live_;
  std::chrono::steady_clock::time_point last_heartbeat_;
  std::atomic<bool> listening_{false};
};

}  // namespace tenantd
