// auth::derive_password_hash: the service's half of a login whose hash stays in the database.
#include <gtest/gtest.h>

#include <string>

#include "auth/password.hpp"

namespace tenantd::auth {
namespace {

std::string params_of(const std::string& encoded) {
  return encoded.substr(0, encoded.rfind('$'));
}

TEST(PasswordKey, ReproducesTheStoredHashForTheRightPasswordOnly) {
  const std::string stored = hash_password("correct horse battery");
  const auto right = derive_password_hash("correct horse battery", params_of(stored));
  ASSERT_TRUE(right.has_value());
  EXPECT_EQ(*right, stored);
  const auto wrong = derive_password_hash("correct horse batterz", params_of(stored));
  ASSERT_TRUE(wrong.has_value());
  EXPECT_NE(*wrong, stored);
  EXPECT_EQ(params_of(*wrong), params_of(stored));
  // what the database compares is a valid hash of the scheme: verify_password agrees with it
  EXPECT_TRUE(verify_password("correct horse battery", *right));
}

TEST(PasswordKey, RefusesMalformedOrExpensiveParameters) {
  struct Case {
    const char* params;
    const char* why;
  };
  const Case cases[] = {
      {"", "empty"},
      {"scrypt$15$8$1", "no salt"},
      {"scrypt$15$8$1$c2FsdHNhbHQ$a2V5", "a full hash (key included) is not parameters"},
      {"bcrypt$15$8$1$c2FsdHNhbHQ", "another scheme"},
      {"scrypt$21$8$1$c2FsdHNhbHQ", "N above the bound"},
      {"scrypt$9$8$1$c2FsdHNhbHQ", "N below the bound"},
      {"scrypt$15$33$1$c2FsdHNhbHQ", "r above the bound"},
      {"scrypt$15$8$17$c2FsdHNhbHQ", "p above the bound"},
      {"scrypt$20$32$1$c2FsdHNhbHQ", "memory above the bound"},
      {"scrypt$015$8$1$c2FsdHNhbHQ", "a non-canonical number"},
      {"scrypt$15$8$1$c2Fs", "a salt shorter than 8 bytes"},
      {"scrypt$15$8$1$c2Fsd+Nh", "a salt outside base64url"},
  };
  for (const auto& c : cases) {
    EXPECT_FALSE(derive_password_hash("pw", c.params).has_value()) << c.why << ": " << c.params;
  }
}

}  // namespace
}  // namespace tenantd::auth
