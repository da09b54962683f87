#include "db/event_listener.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <pqxx/pqxx>

#include "http/event_hub.hpp"
#include "util/json_escape.hpp"

namespace tenantd::db {
namespace {

class Receiver : public pqxx::notification_receiver {
 public:
  Receiver(pqxx::connection_base& c, EventHub& hub)
      : pqxx::notification_receiver(c, "tenantd_events"), hub_(hub) {}
  void operator()(const std::string& payload, int) override {
    LiveEvent e;
    if (LiveEvent::parse(payload, e)) {
      hub_.publish(e);
    } else {
      spdlog::warn("\"msg\":\"unreadable event payload dropped\",\"bytes\":{}", payload.size());
    }
  }

 private:
  EventHub& hub_;
};

}  // namespace

void EventListener::start() {
  stop_ = false;
  thread_ = std::thread([this] { run(); });
}

void EventListener::stop() {
  stop_ = true;
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void EventListener::run() {
  int backoff_ms = 250;
  bool was_connected = false;
  while (!stop_) {
    try {
      pqxx::connection conn(url_);
      Receiver receiver(conn, hub_);
      // LISTEN is sent when the receiver is registered; a first round trip makes sure of it
      pqxx::nontransaction(conn).exec("select 1");
      connected_ = true;
      hub_.set_listening(true);
      backoff_ms = 250;
      if (was_connected) spdlog::info("\"msg\":\"event listener reconnected\"");
      was_connected = true;
      while (!stop_) {
        conn.await_notification(1, 0);
        hub_.tick();
      }
      connected_ = false;
      hub_.set_listening(false);
      return;
    } catch (const std::exception& e) {
      connected_ = false;
      hub_.set_listening(false);
      spdlog::error("\"msg\":\"event listener connection lost\",\"error\":\"{}\"",
                    util::json_escape(e.what()));
      // events may have been missed: every stream ends, and its client replays from the table
      hub_.close_all();
    }
    std::unique_lock<std::mutex> lk(mu_);
    cv_.wait_for(lk, std::chrono::milliseconds(backoff_ms), [this] { return stop_.load(); });
    backoff_ms = std::min(backoff_ms * 2, 10000);
  }
}

}  // namespace tenantd::db
