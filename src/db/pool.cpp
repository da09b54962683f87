#include "db/pool.hpp"

#include <spdlog/spdlog.h>

namespace tenantd::db {

Lease::~Lease() {
  if (pool_) pool_->release(slot_, broken_);
}

void Lease::reconnect() {
  conn_ = nullptr;
  {
    std::lock_guard<std::mutex> lk(pool_->mu_);
    pool_->slots_[slot_].reset();
  }
  conn_ = pool_->open_slot(slot_);
  broken_ = false;
}

ConnectionPool::ConnectionPool(std::string url, size_t size, std::chrono::milliseconds acquire_timeout,
                               Preparer prepare)
    : url_(std::move(url)),
      acquire_timeout_(acquire_timeout),
      prepare_(std::move(prepare)),
      slots_(size),
      busy_(size, false) {}

ConnectionPool::~ConnectionPool() {
  close();
}

size_t ConnectionPool::in_use() const {
  std::lock_guard<std::mutex> lk(mu_);
  size_t n = 0;
  for (bool b : busy_) n += b ? 1 : 0;
  return n;
}

pqxx::connection* ConnectionPool::open_slot(size_t slot) {
  // Connecting happens outside the lock: the slot is reserved by busy_[slot].
  auto conn = std::make_unique<pqxx::connection>(url_);
  if (prepare_) prepare_(*conn);
  std::lock_guard<std::mutex> lk(mu_);
  slots_[slot] = std::move(conn);
  return slots_[slot].get();
}

Lease ConnectionPool::acquire() {
  size_t slot = 0;
  pqxx::connection* conn = nullptr;
  const auto t0 = std::chrono::steady_clock::now();
  {
    std::unique_lock<std::mutex> lk(mu_);
    auto deadline = t0 + acquire_timeout_;
    for (;;) {
      if (closed_) throw PoolTimeout("connection pool is closed");
      bool found = false;
      // Prefer an already open idle connection, then an empty slot.
      for (int pass = 0; pass < 2 && !found; ++pass) {
        for (size_t i = 0; i < busy_.size(); ++i) {
          if (!busy_[i] && (pass == 1 || slots_[i])) {
            slot = i;
            found = true;
            break;
          }
        }
      }
      if (found) break;
      if (cv_.wait_until(lk, deadline) == std::cv_status::timeout) {
        wait_seconds_.observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
        throw PoolTimeout("no database connection free within " + std::to_string(acquire_timeout_.count()) +
                          " ms (DB_POOL_SIZE=" + std::to_string(slots_.size()) + ")");
      }
    }
    busy_[slot] = true;
    conn = slots_[slot].get();
  }
  wait_seconds_.observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  try {
    if (!conn || !conn->is_open()) conn = open_slot(slot);
  } catch (...) {
    release(slot, true);
    throw;
  }
  return Lease(this, slot, conn);
}

void ConnectionPool::release(size_t slot, bool broken) {
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (broken || closed_) slots_[slot].reset();
    busy_[slot] = false;
  }
  cv_.notify_one();
}

void ConnectionPool::close() {
  std::lock_guard<std::mutex> lk(mu_);
  closed_ = true;
  for (size_t i = 0; i < slots_.size(); ++i) {
    if (!busy_[i]) slots_[i].reset();
  }
  cv_.notify_all();
}

}  // namespace tenantd::db
