#pragma once
// JWT_JWKS_URL: an identity provider's JWKS fetched over HTTPS (libcurl), kept in memory and
// refreshed in the background, so rotating the provider's keys needs no restart.
//
// - The cache lives as long as the response's Cache-Control max-age says, bounded to
//   [JWKS_MIN_REFRESH_SECONDS, 24 h] (10 min without a max-age); then a background thread fetches
//   again.
// - A token naming a kid nobody knows triggers one fetch right away, at most once per
//   JWKS_MIN_REFRESH_SECONDS (a stream of made-up kids cannot turn into a stream of fetches).
// - A failed or unusable fetch keeps the previous keys (logged, retried after the minimum
//   interval). With no key known at all every token is refused: fail closed.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "auth/keys.hpp"

namespace tenantd::auth {

struct RemoteJwksOptions {
  std::string url;               // https:// only
  std::string ca_file;           // JWT_JWKS_CA_FILE: trust anchors for a private CA; empty = system store
  int min_refresh_seconds = 60;  // JWKS_MIN_REFRESH_SECONDS
  int default_max_age = 600;     // without a Cache-Control max-age
  int max_age_ceiling = 86400;   // upper bound of any max-age
  int timeout_ms = 5000;         // one fetch, connect included
};

class RemoteJwks {
 public:
  // Throws std::runtime_error for a URL that is not https://. Does not fetch: call start().
  explicit RemoteJwks(RemoteJwksOptions opts);
  ~RemoteJwks();
  RemoteJwks(const RemoteJwks&) = delete;
  RemoteJwks& operator=(const RemoteJwks&) = delete;

  // Fetches once (a failure is logged, not thrown: the service starts and refuses tokens until a
  // fetch succeeds) and starts the background refresher.
  void start();
  void stop();

  // The keys known now. The snapshot stays valid while held, whatever refreshes happen meanwhile.
  std::shared_ptr<const KeyStore> keys() const;
  // A token named `kid` and no known key has it: fetch now unless a fetch was attempted less than
  // JWKS_MIN_REFRESH_SECONDS ago; returns the keys known afterwards.
  std::shared_ptr<const KeyStore> refresh_for_unknown_kid(std::string_view kid);

  // One fetch now (the refresher's step, public for tests): true when it replaced the keys.
  bool fetch();

 private:
  void run();
  bool fetch_locked();  // with fetch_mu_ held

  RemoteJwksOptions opts_;
  mutable std::mutex mu_;  // keys_, next_refresh_, last_attempt_, stop_
  std::condition_variable cv_;
  std::shared_ptr<const KeyStore> keys_;
  std::chrono::steady_clock::time_point next_refresh_{};
  std::chrono::steady_clock::time_point last_attempt_{};
  bool attempted_ = false;
  bool stop_ = false;
  std::mutex fetch_mu_;  // one fetch at a time
  std::thread thread_;
};

// The max-age of a Cache-Control header value ("public, max-age=300" -> 300); nullopt without one.
std::optional<int64_t> cache_control_max_age(std::string_view header);

}  // namespace tenantd::auth
