#include "crypto/tenant_keys.hpp"

#include <stdexcept>

#include "crypto/aead.hpp"
#include "util/base64url.hpp"
#include "util/random.hpp"
#include "util/uuid.hpp"

namespace tenantd::crypto {
namespace {

// A process talks to a bounded number of tenants at a time; past this the caches start over.
constexpr size_t kMaxCached = 20000;

std::string wrap_aad(const std::string& tenant_id, const std::string& key_id) {
  return "tenantd data key v1|" + tenant_id + "|" + key_id;
}

}  // namespace

std::pair<WrappedKey, DataKey> TenantKeys::create(const std::string& tenant_id) const {
  if (!configured()) throw CryptoError("no key-encryption key is configured (KEK_FILE)");
  DataKey k{tenant_id, util::new_uuid(), util::random_bytes(kKeyBytes)};
  const Kek& kek = ring_.primary();
  WrappedKey w{k.key_id, kek.id,
               util::base64_encode(aead_seal(kek.key, k.key, wrap_aad(tenant_id, k.key_id)))};
  return {w, k};
}

std::optional<std::string> TenantKeys::unwrap_bytes(const std::string& tenant_id, const WrappedKey& w) const {
  const Kek* kek = ring_.find(w.kek_id);
  if (!kek) return std::nullopt;
  auto box = util::base64_decode(w.wrapped);
  if (!box) return std::nullopt;
  auto key = aead_open(kek->key, *box, wrap_aad(tenant_id, w.key_id));
  if (!key || key->size() != kKeyBytes) return std::nullopt;
  return key;
}

std::optional<DataKey> TenantKeys::unwrap(const std::string& tenant_id, const WrappedKey& w) {
  const std::string cache_key = tenant_id + '|' + w.key_id + '|' + w.kek_id + '|' + w.wrapped;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = unwrapped_.find(cache_key); it != unwrapped_.end()) return it->second;
  }
  auto bytes = unwrap_bytes(tenant_id, w);
  if (!bytes) return std::nullopt;
  DataKey k{tenant_id, w.key_id, std::move(*bytes)};
  std::lock_guard<std::mutex> lock(mu_);
  if (unwrapped_.size() >= kMaxCached) unwrapped_.clear();
  unwrapped_[cache_key] = k;
  return k;
}

std::optional<WrappedKey> TenantKeys::rewrap(const std::string& tenant_id, const WrappedKey& w) const {
  auto bytes = unwrap_bytes(tenant_id, w);
  if (!bytes) return std::nullopt;
  const Kek& kek = ring_.primary();
  return WrappedKey{w.key_id, kek.id,
                    util::base64_encode(aead_seal(kek.key, *bytes, wrap_aad(tenant_id, w.key_id)))};
}

std::optional<DataKey> TenantKeys::active_for(const std::string& refs) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = active_.find(refs);
  if (it == active_.end()) return std::nullopt;
  return it->second;
}

void TenantKeys::remember_active(const std::string& refs, const DataKey& k) {
  std::lock_guard<std::mutex> lock(mu_);
  if (active_.size() >= kMaxCached) active_.clear();
  active_[refs] = k;
}

void TenantKeys::forget_active(const std::string& refs) {
  std::lock_guard<std::mutex> lock(mu_);
  active_.erase(refs);
}

bool is_secret_config_type(const std::string& type) {
  return type == "integrations";
}

std::string config_aad(const std::string& tenant_id, const std::string& type, const std::string& key,
                       const std::string& key_id) {
  return "tenantd secret v1|" + tenant_id + "|tenant_configs|" + type + "/" + key + "|" + key_id;
}

std::string seal_config_value(const DataKey& k, const std::string& type, const std::string& key,
                              const std::string& value_json) {
  const std::string ct =
      util::base64_encode(aead_seal(k.key, value_json, config_aad(k.tenant_id, type, key, k.key_id)));
  // every part is a uuid or base64: nothing to escape
  return "{\"sealed\":\"v1\",\"kid\":\"" + k.key_id + "\",\"ct\":\"" + ct + "\"}";
}

std::optional<std::string> open_config_value(const DataKey& k, const std::string& type,
                                             const std::string& key, const std::string& ct_base64) {
  auto box = util::base64_decode(ct_base64);
  if (!box) return std::nullopt;
  return aead_open(k.key, *box, config_aad(k.tenant_id, type, key, k.key_id));
}

std::shared_ptr<TenantKeys> load_worker_keys(const std::string& kek_file, std::string& problem) {
  try {
    return std::make_shared<TenantKeys>(kek_file.empty() ? KekRing() : KekRing::load_file(kek_file));
  } catch (const std::exception& e) {
    problem = e.what();
    return nullptr;
  }
}

}  // namespace tenantd::crypto
