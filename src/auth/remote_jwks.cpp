#include "auth/remote_jwks.hpp"

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "util/json_escape.hpp"

namespace tenantd::auth {
namespace {

constexpr size_t kMaxJwksBytes = 1 << 20;

struct FetchState {
  std::string body;
  std::string cache_control;
  bool too_large = false;
};

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* st = static_cast<FetchState*>(user);
  const size_t len = size * n;
  if (st->body.size() + len > kMaxJwksBytes) {
    st->too_large = true;
    return 0;  // aborts the transfer
  }
  st->body.append(data, len);
  return len;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* st = static_cast<FetchState*>(user);
  const std::string_view line(data, size * n);
  const auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string name(line.substr(0, colon));
    for (auto& c : name) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
    if (name == "cache-control") st->cache_control = std::string(line.substr(colon + 1));
  }
  return size * n;
}

struct CurlDeleter {
  void operator()(CURL* c) const noexcept { curl_easy_cleanup(c); }
};

// curl_global_init is not thread-safe; run it once, before any thread fetches.
void curl_init_once() {
  static const bool done = [] { return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; }();
  if (!done) throw std::runtime_error("libcurl could not be initialised");
}

}  // namespace

std::optional<int64_t> cache_control_max_age(std::string_view header) {
  std::string lower(header);
  for (auto& c : lower) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
  size_t pos = 0;
  while ((pos = lower.find("max-age", pos)) != std::string::npos) {
    // s-maxage and other directives ending in "max-age" are not ours.
    const bool starts = pos == 0 || lower[pos - 1] == ',' || lower[pos - 1] == ' ' || lower[pos - 1] == '\t';
    size_t i = pos + 7;
    pos = i;
    if (!starts) continue;
    while (i < lower.size() && lower[i] == ' ') ++i;
    if (i >= lower.size() || lower[i] != '=') continue;
    ++i;
    while (i < lower.size() && lower[i] == ' ') ++i;
    if (i < lower.size() && lower[i] == '"') ++i;
    int64_t v = 0;
    size_t digits = 0;
    while (i < lower.size() && isdigit(static_cast<unsigned char>(lower[i])) && digits < 12) {
      v = v * 10 + (lower[i] - '0');
      ++i;
      ++digits;
    }
    if (digits > 0) return v;
  }
  return std::nullopt;
}

RemoteJwks::RemoteJwks(RemoteJwksOptions opts) : opts_(std::move(opts)), keys_(std::make_shared<KeyStore>()) {
  if (opts_.url.rfind("https://", 0) != 0) {
    throw std::runtime_error("JWT_JWKS_URL must be an https:// URL");
  }
  curl_init_once();
}

RemoteJwks::~RemoteJwks() {
  stop();
}

void RemoteJwks::start() {
  fetch();
  thread_ = std::thread([this] { run(); });
}

void RemoteJwks::stop() {
  {
    std::lock_guard<std::mutex> lk(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::shared_ptr<const KeyStore> RemoteJwks::keys() const {
  std::lock_guard<std::mutex> lk(mu_);
  return keys_;
}

std::shared_ptr<const KeyStore> RemoteJwks::refresh_for_unknown_kid(std::string_view kid) {
  // The check and the fetch under one lock: requests with unknown kids that arrive together make
  // one fetch, and the ones after it find it too recent.
  std::lock_guard<std::mutex> one_at_a_time(fetch_mu_);
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (keys_->find(kid) != nullptr) return keys_;  // another request fetched it meanwhile
    if (attempted_ &&
        std::chrono::steady_clock::now() - last_attempt_ < std::chrono::seconds(opts_.min_refresh_seconds)) {
      return keys_;
    }
  }
  fetch_locked();
  return keys();
}

bool RemoteJwks::fetch() {
  std::lock_guard<std::mutex> one_at_a_time(fetch_mu_);
  return fetch_locked();
}

bool RemoteJwks::fetch_locked() {
  {
    std::lock_guard<std::mutex> lk(mu_);
    attempted_ = true;
    last_attempt_ = std::chrono::steady_clock::now();
  }
  FetchState st;
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  std::string error;
  long status = 0;
  if (!curl) {
    error = "libcurl could not create a handle";
  } else {
    CURL* c = curl.get();
    curl_easy_setopt(c, CURLOPT_URL, opts_.url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(opts_.timeout_ms));
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!opts_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, opts_.ca_file.c_str());
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &st);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &st);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "tenantd-jwks");
    const CURLcode rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (st.too_large) {
      error = "the JWKS is larger than 1 MiB";
    } else if (rc != CURLE_OK) {
      error = curl_easy_strerror(rc);
    } else if (status != 200) {
      error = "HTTP status " + std::to_string(status);
    }
  }
  std::shared_ptr<KeyStore> fresh;
  if (error.empty()) {
    try {
      auto store = std::make_shared<KeyStore>();
      for (auto& k : keys_from_jwks(st.body, "JWT_JWKS_URL")) store->add(std::move(k));
      if (store->empty()) throw std::runtime_error("the JWKS holds no signing key");
      fresh = std::move(store);
    } catch (const std::exception& e) {
      error = e.what();
    }
  }
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> lk(mu_);
  if (!fresh) {
    // Keep what we have; try again after the minimum interval.
    next_refresh_ = now + std::chrono::seconds(opts_.min_refresh_seconds);
    spdlog::warn("\"msg\":\"jwks fetch failed, keeping {} known keys\",\"error\":\"{}\"", keys_->size(),
                 util::json_escape(error));
    return false;
  }
  int64_t max_age = cache_control_max_age(st.cache_control).value_or(opts_.default_max_age);
  max_age = std::clamp<int64_t>(max_age, opts_.min_refresh_seconds, opts_.max_age_ceiling);
  next_refresh_ = now + std::chrono::seconds(max_age);
  spdlog::info("\"msg\":\"jwks fetched\",\"keys\":{},\"max_age\":{}", fresh->size(), max_age);
  keys_ = std::move(fresh);
  return true;
}

void RemoteJwks::run() {
  std::unique_lock<std::mutex> lk(mu_);
  while (!stop_) {
    if (cv_.wait_until(lk, next_refresh_, [this] { return stop_; })) break;
    if (std::chrono::steady_clock::now() < next_refresh_) continue;
    lk.unlock();
    fetch();
    lk.lock();
  }
}

}  // namespace tenantd::auth
