#include "crypto/kek_ring.hpp"

#include <fstream>
#include <sstream>

#include "crypto/aead.hpp"
#include "util/base64url.hpp"

namespace tenantd::crypto {

bool valid_kek_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!(isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-')) return false;
  }
  return true;
}

KekRing KekRing::parse(std::string_view text) {
  KekRing ring;
  std::istringstream in{std::string(text)};
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#') continue;
    std::istringstream fields(line.substr(start));
    std::string id, b64, extra;
    fields >> id >> b64 >> extra;
    const std::string where = "line " + std::to_string(n);
    if (b64.empty() || !extra.empty()) throw KekError(where + ": expected '<id> <base64 key>'");
    if (!valid_kek_id(id)) throw KekError(where + ": the key id must be 1-64 of A-Z a-z 0-9 _ . -");
    auto key = util::base64_decode(b64);
    if (!key) key = util::base64url_decode(b64);
    if (!key || key->size() != kKeyBytes) {
      throw KekError(where + " (" + id + "): the key must be base64 of exactly 32 bytes");
    }
    if (ring.find(id)) throw KekError(where + ": key id '" + id + "' appears twice");
    ring.keys_.push_back({id, std::move(*key)});
  }
  return ring;
}

KekRing KekRing::load_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw KekError("KEK_FILE " + path + " cannot be read");
  std::ostringstream ss;
  ss << f.rdbuf();
  KekRing ring;
  try {
    ring = parse(ss.str());
  } catch (const KekError& e) {
    throw KekError("KEK_FILE " + path + ", " + e.what());
  }
  if (ring.empty()) throw KekError("KEK_FILE " + path + " holds no key");
  return ring;
}

const Kek* KekRing::find(const std::string& id) const {
  for (const auto& k : keys_) {
    if (k.id == id) return &k;
  }
  return nullptr;
}

}  // namespace tenantd::crypto
