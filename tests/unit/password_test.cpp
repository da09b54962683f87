#include "auth/password.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <chrono>
#include <string>
#include <vector>

#include "util/base64url.hpp"

namespace tenantd::auth {
namespace {

std::string from_hex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t pos; (pos = s.find('$', start)) != std::string::npos; start = pos + 1) {
    parts.push_back(s.substr(start, pos - start));
  }
  parts.push_back(s.substr(start));
  return parts;
}

TEST(PasswordTest, HashHasDocumentedFormat) {
  const std::string encoded = hash_password("correct horse battery staple");
  const auto parts = split(encoded);
  ASSERT_EQ(parts.size(), 6u) << encoded;
  EXPECT_EQ(parts[0], "scrypt");
  EXPECT_EQ(parts[1], "15");
  EXPECT_EQ(parts[2], "8");
  EXPECT_EQ(parts[3], "1");
  const auto salt = util::base64url_decode(parts[4]);
  const auto hash = util::base64url_decode(parts[5]);
  ASSERT_TRUE(salt.has_value());
  ASSERT_TRUE(hash.has_value());
  EXPECT_EQ(salt->size(), 16u);
  EXPECT_EQ(hash->size(), 32u);

  // The stored hash is plain scrypt over the password with the stored salt: recompute it independently.
  std::string expected(32, '\0');
  ASSERT_EQ(EVP_PBE_scrypt("correct horse battery staple", 28,
                           reinterpret_cast<const unsigned char*>(salt->data()), salt->size(), 1u << 15, 8, 1,
                           64u << 20, reinterpret_cast<unsigned char*>(expected.data()), expected.size()),
            1);
  EXPECT_EQ(*hash, expected);
}

TEST(PasswordTest, RoundTripAndWrongPassword) {
  const std::string encoded = hash_password("s3cret-Pa55");
  EXPECT_TRUE(verify_password("s3cret-Pa55", encoded));
  EXPECT_FALSE(verify_password("s3cret-Pa56", encoded));
  EXPECT_FALSE(verify_password("", encoded));
  EXPECT_FALSE(verify_password("S3cret-Pa55", encoded));
  // Not asserted: "s3cret-Pa55\0" verifies. scrypt keys HMAC with the password, and HMAC zero-pads short
  // keys, so trailing NUL bytes are equivalent in every PBKDF2/scrypt implementation.
}

TEST(PasswordTest, EmptyAndBinaryPasswordsRoundTrip) {
  const std::string empty = hash_password("");
  EXPECT_TRUE(verify_password("", empty));
  EXPECT_FALSE(verify_password(" ", empty));
  const std::string binary("p\0w\xff\x80", 5);
  EXPECT_TRUE(verify_password(binary, hash_password(binary)));
}

TEST(PasswordTest, SamePasswordHashesDifferently) {
  const std::string a = hash_password("same password");
  const std::string b = hash_password("same password");
  EXPECT_NE(a, b);
  EXPECT_NE(split(a)[4], split(b)[4]) << "salts must differ";
  EXPECT_TRUE(verify_password("same password", a));
  EXPECT_TRUE(verify_password("same password", b));
}

// RFC 7914 section 12, third vector (N=16384, r=8, p=1, dkLen=64), written in our encoding: verification
// must honour the stored parameters and key length, not just the defaults.
TEST(PasswordTest, VerifiesRfc7914VectorWithStoredParameters) {
  const std::string key = from_hex(
      "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2"
      "d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887");
  const std::string encoded =
      "scrypt$14$8$1$" + util::base64url_encode("SodiumChloride") + "$" + util::base64url_encode(key);
  EXPECT_TRUE(verify_password("pleaseletmein", encoded));
  EXPECT_FALSE(verify_password("pleaseletmeout", encoded));
  // Same bytes under a different cost parameter must not verify.
  EXPECT_FALSE(verify_password("pleaseletmein", "scrypt$15$8$1$" + util::base64url_encode("SodiumChloride") +
                                                    "$" + util::base64url_encode(key)));
}

TEST(PasswordTest, TamperedHashFails) {
  const std::string encoded = hash_password("pw");
  auto parts = split(encoded);
  std::string hash = *util::base64url_decode(parts[5]);
  hash[0] ^= 0x01;
  EXPECT_FALSE(verify_password("pw", "scrypt$15$8$1$" + parts[4] + "$" + util::base64url_encode(hash)));
  std::string salt = *util::base64url_decode(parts[4]);
  salt[15] ^= 0x80;
  EXPECT_FALSE(verify_password("pw", "scrypt$15$8$1$" + util::base64url_encode(salt) + "$" + parts[5]));
}

TEST(PasswordTest, MalformedEncodingsAreFalseAndDoNotThrow) {
  const std::string good = hash_password("pw");
  const auto p = split(good);
  const std::string salt = p[4];
  const std::string hash = p[5];
  const std::string kMalformed[] = {
      "",
      "scrypt",
      "pw",
      "$$$$$",
      "scrypt$15$8$1$" + salt,
      "scrypt$15$8$1$" + salt + "$",
      "scrypt$15$8$1$$" + hash,
      "scrypt$15$8$1$" + salt + "$" + hash + "$",
      "scrypt$15$8$1$" + salt + "$" + hash + "$extra",
      "Scrypt$15$8$1$" + salt + "$" + hash,
      "bcrypt$15$8$1$" + salt + "$" + hash,
      "$2b$12$abcdefghijklmnopqrstuuJ3WUNbNqQ3RZ1Vcd8bBYlF0a0ulCcxG",
      "scrypt$015$8$1$" + salt + "$" + hash,  // leading zero: not the canonical encoding
      "scrypt$+15$8$1$" + salt + "$" + hash,
      "scrypt$-15$8$1$" + salt + "$" + hash,
      "scrypt$ 15$8$1$" + salt + "$" + hash,
      "scrypt$1e1$8$1$" + salt + "$" + hash,
      "scrypt$0$8$1$" + salt + "$" + hash,
      "scrypt$9$8$1$" + salt + "$" + hash,   // below the minimum cost
      "scrypt$21$8$1$" + salt + "$" + hash,  // above the maximum cost
      "scrypt$64$8$1$" + salt + "$" + hash,
      "scrypt$99999999999999999999$8$1$" + salt + "$" + hash,
      "scrypt$15$0$1$" + salt + "$" + hash,
      "scrypt$15$8$0$" + salt + "$" + hash,
      "scrypt$15$33$1$" + salt + "$" + hash,
      "scrypt$15$8$17$" + salt + "$" + hash,
      "scrypt$20$32$1$" + salt + "$" + hash,  // 4 GiB of memory: refused before any work
      "scrypt$15$8$1$" + salt + "=$" + hash,  // padding
      "scrypt$15$8$1$" + salt + "$" + hash + "=",
      "scrypt$15$8$1$" + salt + "*$" + hash,
      "scrypt$15$8$1$" + salt.substr(0, 10) + "$" + hash,  // salt too short
      "scrypt$15$8$1$" + salt + "$" + hash.substr(0, 20),  // hash too short
      "scrypt$15$8$1$" + util::base64url_encode(std::string(65, 'a')) + "$" + hash,
      "scrypt$15$8$1$" + salt + "$" + util::base64url_encode(std::string(65, 'a')),
      std::string("scrypt$15$8$1$\0", 15) + salt + "$" + hash,
  };
  const auto start = std::chrono::steady_clock::now();
  for (const auto& encoded : kMalformed) {
    bool result = true;
    EXPECT_NO_THROW(result = verify_password("pw", encoded)) << encoded;
    EXPECT_FALSE(result) << encoded;
  }
  // Every case above is rejected while parsing, before the expensive KDF runs.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_TRUE(verify_password("pw", good));
}

}  // namespace
}  // namespace tenantd::auth
