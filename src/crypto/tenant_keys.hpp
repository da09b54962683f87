#pragma once
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "crypto/kek_ring.hpp"

namespace tenantd::crypto {

// A tenant's data key as the database stores it (tenantd.tenant_data_keys): wrapped with a KEK.
struct WrappedKey {
  std::string key_id;   // uuid of the data key
  std::string kek_id;   // which KEK wrapped it
  std::string wrapped;  // base64(AES-256-GCM box of the 32-byte data key)
};

// A data key in clear, in this process only.
struct DataKey {
  std::string tenant_id;
  std::string key_id;
  std::string key;  // 32 bytes
};

// Envelope encryption of tenant secrets. Every tenant has one active data key (random, 256
// bits, from OpenSSL's RNG), stored wrapped by the primary KEK with associated data binding the
// tenant and the key id, so a wrapped key copied to another tenant or key row does not unwrap.
// Unwrapped keys are cached in process by their wrapped form (a rewrap or a new key is a new
// cache entry; a shredded key is never asked for again). Thread-safe.
class TenantKeys {
 public:
  explicit TenantKeys(KekRing ring) : ring_(std::move(ring)) {}
  // False without KEK_FILE: secrets are then refused (fail closed), never stored in clear.
  bool configured() const { return !ring_.empty(); }
  const KekRing& ring() const { return ring_; }

  // A new data key for `tenant_id`, and its wrapped form under the primary KEK.
  std::pair<WrappedKey, DataKey> create(const std::string& tenant_id) const;
  // nullopt when no KEK of the ring has that id or the box does not verify for (tenant, key id).
  std::optional<DataKey> unwrap(const std::string& tenant_id, const WrappedKey& w);
  // The same data key wrapped by the primary KEK; nullopt when it does not unwrap.
  std::optional<WrappedKey> rewrap(const std::string& tenant_id, const WrappedKey& w) const;

  // The write path's cache: the active key of the tenant a request's tenant references named.
  // A stale entry is harmless: the database refuses a value sealed under a key that is not the
  // tenant's active one (TDK01) and the caller forgets the entry and asks again.
  std::optional<DataKey> active_for(const std::string& refs);
  void remember_active(const std::string& refs, const DataKey& k);
  void forget_active(const std::string& refs);

 private:
  std::optional<std::string> unwrap_bytes(const std::string& tenant_id, const WrappedKey& w) const;
  KekRing ring_;
  std::mutex mu_;
  std::map<std::string, DataKey> unwrapped_;  // kek id + wrapped -> key
  std::map<std::string, DataKey> active_;     // tenant refs -> active key
};

// Configuration secrets (tenant_configs values of a secret type) are stored as the envelope
//   {"sealed": "v1", "kid": "<data key id>", "ct": "<base64 of the AES-256-GCM box>"}
// whose plaintext is the value's JSON text and whose associated data binds the tenant, the
// table, the entry (type/key) and the data key id: a ciphertext copied to another tenant or
// entry does not decrypt.
bool is_secret_config_type(const std::string& type);
std::string config_aad(const std::string& tenant_id, const std::string& type, const std::string& key,
                       const std::string& key_id);
// The envelope's JSON text for `value_json` (a JSON document's text).
std::string seal_config_value(const DataKey& k, const std::string& type, const std::string& key,
                              const std::string& value_json);
// The value's JSON text; nullopt when the box does not open under (k, tenant, type, key).
std::optional<std::string> open_config_value(const DataKey& k, const std::string& type,
                                             const std::string& key, const std::string& ct_base64);

// The job workers' keys from KEK_FILE (none configured: an empty ring), loaded once at start.
// A file that does not load gives nullptr and `problem` says why: each job that needs the keys
// then fails with that reason, the others run.
std::shared_ptr<TenantKeys> load_worker_keys(const std::string& kek_file, std::string& problem);

}  // namespace tenantd::crypto
