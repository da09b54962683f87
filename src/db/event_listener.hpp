#pragma once
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace tenantd {
class EventHub;
}

namespace tenantd::db {

// The process's one LISTEN connection for live events (channel 'tenantd_events', written by
// tenantd.record_event): a dedicated connection, not one of the request pool's, that hands every
// payload to the hub and ticks the hub (heartbeats, stream deadlines) about once a second.
// EVENTS_DATABASE_URL must reach PostgreSQL directly: LISTEN does not survive a PgBouncer in
// transaction mode. When the connection breaks, the hub ends every stream (clients reconnect
// with Last-Event-ID and replay what they missed from tenantd.events) and the listener
// reconnects with backoff.
class EventListener {
 public:
  EventListener(std::string database_url, EventHub& hub) : url_(std::move(database_url)), hub_(hub) {}
  ~EventListener() { stop(); }
  void start();
  void stop();
  bool connected() const { return connected_; }

 private:
  void run();
  const std::string url_;
  EventHub& hub_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> connected_{false};
  std::mutex mu_;
  std::condition_variable cv_;
};

}  // namespace tenantd::db
