// Tests for base64/base64url and the small crypto utilities in util/ (SHA-256, HMAC, constant-time
// comparison, random tokens).
#include "util/base64url.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "util/random.hpp"
#include "util/sha256.hpp"

namespace tenantd {
namespace {

using util::base64_decode;
using util::base64_encode;
using util::base64url_decode;
using util::base64url_encode;

std::string to_hex(std::string_view bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0xf]);
  }
  return out;
}

struct EncodeCase {
  std::string raw;
  std::string url;
  std::string standard;
};

// RFC 4648 section 10 vectors plus bytes that exercise the two alphabet-specific characters.
const EncodeCase kEncodeCases[] = {
    {"", "", ""},
    {"f", "Zg", "Zg=="},
    {"fo", "Zm8", "Zm8="},
    {"foo", "Zm9v", "Zm9v"},
    {"foob", "Zm9vYg", "Zm9vYg=="},
    {"fooba", "Zm9vYmE", "Zm9vYmE="},
    {"foobar", "Zm9vYmFy", "Zm9vYmFy"},
    {"\xfb\xff", "-_8", "+/8="},
    {"\xfb\xef\xbe", "----", "++++"},
    {"\xff\xff\xff", "____", "////"},
    {std::string("\0\0\0", 3), "AAAA", "AAAA"},
};

TEST(Base64UrlTest, EncodesRfc4648Vectors) {
  for (const auto& c : kEncodeCases) {
    EXPECT_EQ(base64url_encode(c.raw), c.url) << c.url;
    EXPECT_EQ(base64_encode(c.raw), c.standard) << c.standard;
  }
}

TEST(Base64UrlTest, DecodesRfc4648Vectors) {
  for (const auto& c : kEncodeCases) {
    const auto url = base64url_decode(c.url);
    ASSERT_TRUE(url.has_value()) << c.url;
    EXPECT_EQ(*url, c.raw);
    const auto standard = base64_decode(c.standard);
    ASSERT_TRUE(standard.has_value()) << c.standard;
    EXPECT_EQ(*standard, c.raw);
  }
}

TEST(Base64UrlTest, RoundTripsEveryByteValueAndLength) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (size_t len = 0; len <= all.size(); ++len) {
    const std::string raw = all.substr(all.size() - len);
    EXPECT_EQ(base64url_decode(base64url_encode(raw)), raw) << len;
    EXPECT_EQ(base64_decode(base64_encode(raw)), raw) << len;
  }
}

TEST(Base64UrlTest, RejectsInvalidInputStrictly) {
  const std::string kInvalid[] = {
      "Zg==",     // padding is never part of base64url
      "Zg=",      //
      "Zm9v=",    //
      "Z",        // len % 4 == 1 cannot come from any byte string
      "Zm9vY",    //
      "Zm9v!",    // outside the alphabet
      "Zm9v+",    // standard-alphabet characters are not base64url
      "Zm9v/",    //
      "Zm 9v",    // whitespace
      "Zm9v\n",   //
      "Zh",       // non-zero unused bits: "Zg" is the only encoding of "f"
      "Zm9",      // "fo" is "Zm8"
      "Zm9vYh",   //
      "Zm9vYmF",  // "fooba" is "Zm9vYmE"
      std::string("Zm\0v", 4),
      "Zm9v\xc3\xa9",  // non-ASCII
  };
  for (const auto& in : kInvalid) EXPECT_FALSE(base64url_decode(in).has_value()) << in;
}

TEST(Base64Test, AcceptsPaddedAndUnpadded) {
  EXPECT_EQ(base64_decode("Zm9vYg"), "foob");
  EXPECT_EQ(base64_decode("Zm9vYmE"), "fooba");
  EXPECT_EQ(base64_decode("+/8"), "\xfb\xff");
}

TEST(Base64Test, RejectsInvalidInputStrictly) {
  const std::string kInvalid[] = {
      "Zm9vYg=",    // padded input must be a multiple of 4
      "Zm9vYg===",  //
      "Zm9v====",   // too much padding
      "====",       //
      "=",          //
      "Zg=a",       // '=' only at the end
      "=Zg=",       //
      "Zm9vYmE==",  // padding does not match the data length
      "Zm9v=",      //
      "-_8=",       // base64url characters are not standard base64
      "Zh==",       // non-zero unused bits
      "Z",          //
      "Zm9v Zg==",  // whitespace
      "Zm9v\r\n",   //
  };
  for (const auto& in : kInvalid) EXPECT_FALSE(base64_decode(in).has_value()) << in;
}

TEST(Sha256Test, MatchesFips180Vectors) {
  EXPECT_EQ(util::sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(util::sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(util::sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(to_hex(util::sha256_raw("abc")), util::sha256_hex("abc"));
  EXPECT_EQ(util::sha256_raw("abc").size(), 32u);
}

TEST(Sha256Test, HmacMatchesRfc4231Vectors) {
  struct Case {
    std::string key;
    std::string data;
    std::string mac_hex;
  };
  const Case kCases[] = {
      {std::string(20, '\x0b'), "Hi There",
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
      {"Jefe", "what do ya want for nothing?",
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
      {std::string(20, '\xaa'), std::string(50, '\xdd'),
       "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
      // Test case 6: a key longer than the block size is hashed first.
      {std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First",
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
      // Empty key and data: OpenSSL needs a non-null key pointer even for length 0.
      {"", "", "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad"},
  };
  for (const auto& c : kCases) EXPECT_EQ(to_hex(util::hmac_sha256_raw(c.key, c.data)), c.mac_hex);
}

TEST(Sha256Test, ConstantTimeEqual) {
  EXPECT_TRUE(util::constant_time_equal("", ""));
  EXPECT_TRUE(util::constant_time_equal("abc", "abc"));
  EXPECT_TRUE(util::constant_time_equal(std::string("a\0b", 3), std::string("a\0b", 3)));
  EXPECT_FALSE(util::constant_time_equal("abc", "abd"));
  EXPECT_FALSE(util::constant_time_equal("abc", "ab"));
  EXPECT_FALSE(util::constant_time_equal("", "a"));
  EXPECT_FALSE(util::constant_time_equal(std::string("a\0b", 3), std::string("a\0c", 3)));
  EXPECT_FALSE(util::constant_time_equal(std::string("a\0b", 3), "a"));
}

TEST(RandomTest, ProducesRequestedLengths) {
  EXPECT_EQ(util::random_bytes(0), "");
  for (size_t n : {1u, 16u, 32u, 1000u}) EXPECT_EQ(util::random_bytes(n).size(), n);
  const std::string token = util::random_token_b64url();
  EXPECT_EQ(token.size(), 43u);
  const auto decoded = base64url_decode(token);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->size(), 32u);
  EXPECT_EQ(util::random_token_b64url(12).size(), 16u);
}

TEST(RandomTest, TokensDoNotRepeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) EXPECT_TRUE(seen.insert(util::random_token_b64url(16)).second);
  // 64 random bytes that are all zero would mean the generator is not producing anything.
  EXPECT_NE(util::random_bytes(64), std::string(64, '\0'));
}

}  // namespace
}  // namespace tenantd
