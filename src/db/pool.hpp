#pragma once
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "util/histogram.hpp"

namespace tenantd::db {

// Thrown when no connection became free within the acquire timeout (mapped to 503).
struct PoolTimeout : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class ConnectionPool;

// RAII lease on one pooled connection: returned to the pool when destroyed. A lease that
// saw the connection break marks it, and the pool reconnects that slot on next use.
class Lease {
 public:
  Lease(ConnectionPool* pool, size_t slot, pqxx::connection* conn) : pool_(pool), slot_(slot), conn_(conn) {}
  Lease(Lease&& o) noexcept : pool_(o.pool_), slot_(o.slot_), conn_(o.conn_), broken_(o.broken_) {
    o.pool_ = nullptr;
  }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  Lease& operator=(Lease&&) = delete;
  ~Lease();

  pqxx::connection& conn() { return *conn_; }
  size_t slot() const { return slot_; }
  void mark_broken() { broken_ = true; }
  // Drops the current connection and opens a new one in the same slot.
  void reconnect();

 private:
  ConnectionPool* pool_;
  size_t slot_;
  pqxx::connection* conn_;
  bool broken_ = false;
};

// Fixed-size pool. Connections open lazily; libpqxx has no pool of its own.
class ConnectionPool {
 public:
  using Preparer = std::function<void(pqxx::connection&)>;
  ConnectionPool(std::string url, size_t size, std::chrono::milliseconds acquire_timeout,
                 Preparer prepare = nullptr);
  ~ConnectionPool();

  Lease acquire();
  size_t size() const { return slots_.size(); }
  size_t in_use() const;
  // Time acquire() waited for a free connection (seconds), every lease counted: /metrics.
  const util::Histogram& wait_seconds() const { return wait_seconds_; }
  // Closes every idle connection and refuses new leases (clean shutdown).
  void close();

 private:
  friend class Lease;
  void release(size_t slot, bool broken);
  pqxx::connection* open_slot(size_t slot);

  std::string url_;
  std::chrono::milliseconds acquire_timeout_;
  Preparer prepare_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<pqxx::connection>> slots_;
  std::vector<bool> busy_;
  bool closed_ = false;
  util::Histogram wait_seconds_{util::pool_wait_seconds_buckets()};
};

}  // namespace tenantd::db
