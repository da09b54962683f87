#pragma once
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tenantd::crypto {

// The key-encryption keys (KEK_FILE). A text file, one key a line:
//
//   # comments and blank lines are ignored
//   <id> <base64 of 32 random bytes>
//
// ids are 1–64 of [A-Za-z0-9_.-] and unique. The FIRST key wraps new data keys (and rewraps
// old ones in `tenantd keys rotate-kek`); every key listed unwraps. Rotation: put a new key on
// the first line, keep the old ones below it, run `tenantd keys rotate-kek`, then remove the old
// lines. `tenantd keys generate-kek <id>` prints a new line. The keys never reach the database.
struct Kek {
  std::string id;
  std::string key;  // 32 bytes
};

struct KekError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class KekRing {
 public:
  KekRing() = default;
  // Throws KekError naming the line (never its key) for anything malformed.
  static KekRing parse(std::string_view text);
  // Throws KekError when the file cannot be read or is malformed or holds no key.
  static KekRing load_file(const std::string& path);

  bool empty() const { return keys_.empty(); }
  const Kek& primary() const { return keys_.front(); }  // the wrapping key; not when empty()
  const Kek* find(const std::string& id) const;
  const std::vector<Kek>& keys() const { return keys_; }

 private:
  std::vector<Kek> keys_;
};

bool valid_kek_id(std::string_view id);

}  // namespace tenantd::crypto
