// The in-memory last use of API keys: the latest time per key wins, take_json empties it, and a
// failed flush puts everything back without losing a newer use.
#include "http/api_key_use.hpp"

#include <gtest/gtest.h>

namespace tenantd {
namespace {

const std::string kA(64, 'a');
const std::string kB(64, 'b');

TEST(ApiKeyUse, LatestUsePerKeyAndTakeEmpties) {
  ApiKeyUse u;
  EXPECT_EQ(u.take_json(), "");
  u.note(kA, 1893456000);  // 2030-01-01T00:00:00Z
  u.note(kA, 1000);        // an older use does not move it back
  u.note(kB, 1893456061);
  EXPECT_EQ(u.pending(), 2u);
  EXPECT_EQ(u.take_json(), R"([{"key_hash":")" + kA + R"(","at":"2030-01-01T00:00:00Z"},{"key_hash":")" + kB +
                               R"(","at":"2030-01-01T00:01:01Z"}])");
  EXPECT_EQ(u.pending(), 0u);
}

TEST(ApiKeyUse, PutBackKeepsTheNewerUse) {
  ApiKeyUse u;
  u.note(kA, 1893456000);
  const std::string taken = u.take_json();
  u.note(kA, 1893456100);  // used again while the flush failed
  u.put_back(taken);
  u.put_back("not json");
  EXPECT_EQ(u.take_json(), R"([{"key_hash":")" + kA + R"(","at":"2030-01-01T00:01:40Z"}])");
}

}  // namespace
}  // namespace tenantd
