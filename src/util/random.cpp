#include "util/random.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <climits>
#include <stdexcept>

#include "util/base64url.hpp"

namespace tenantd::util {

std::string random_bytes(size_t n) {
  std::string out(n, '\0');
  size_t done = 0;
  // RAND_bytes takes an int length, so very large requests are filled in chunks.
  while (done < n) {
    const size_t chunk = std::min(n - done, static_cast<size_t>(INT_MAX));
    if (RAND_bytes(reinterpret_cast<unsigned char*>(&out[done]), static_cast<int>(chunk)) != 1) {
      throw std::runtime_error("OpenSSL RAND_bytes failed");
    }
    done += chunk;
  }
  return out;
}

std::string random_token_b64url(size_t bytes) {
  return base64url_encode(random_bytes(bytes));
}

}  // namespace tenantd::util
