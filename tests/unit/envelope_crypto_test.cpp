// Envelope encryption without a database: AES-256-GCM boxes, the KEK file parser, data keys
// wrapped for one tenant and key id, and secret configuration values bound to their place.
#include <gtest/gtest.h>

#include "crypto/aead.hpp"
#include "crypto/kek_ring.hpp"
#include "crypto/tenant_keys.hpp"
#include "util/base64url.hpp"
#include "util/random.hpp"

namespace tenantd::crypto {
namespace {

const std::string kTenantA = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
const std::string kTenantB = "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb";

std::string kek_line(const std::string& id) {
  return id + " " + util::base64_encode(util::random_bytes(32)) + "\n";
}

TEST(Aead, SealsAndOpensWithTheSameKeyAndAssociatedData) {
  const std::string key = util::random_bytes(32);
  const std::string box = aead_seal(key, "secret", "place");
  EXPECT_EQ(box.size(), kNonceBytes + 6 + kTagBytes);
  EXPECT_EQ(box.find("secret"), std::string::npos);
  EXPECT_EQ(aead_open(key, box, "place"), std::optional<std::string>("secret"));
  EXPECT_NE(aead_seal(key, "secret", "place"), box) << "a fresh nonce every time";
  EXPECT_EQ(aead_open(key, aead_seal(key, "", "x"), "x"), std::optional<std::string>(""));
}

TEST(Aead, RefusesAnyChange) {
  const std::string key = util::random_bytes(32);
  const std::string box = aead_seal(key, "a secret value", "tenant A");
  EXPECT_FALSE(aead_open(key, box, "tenant B"));
  EXPECT_FALSE(aead_open(util::random_bytes(32), box, "tenant A"));
  for (size_t i = 0; i < box.size(); ++i) {  // nonce, ciphertext and tag: every byte counts
    std::string bad = box;
    bad[i] = static_cast<char>(bad[i] ^ 0x01);
    EXPECT_FALSE(aead_open(key, bad, "tenant A")) << "byte " << i;
  }
  EXPECT_FALSE(aead_open(key, box.substr(0, box.size() - 1), "tenant A"));
  EXPECT_FALSE(aead_open(key, box.substr(0, kNonceBytes + kTagBytes - 1), "tenant A"));
  EXPECT_THROW(aead_seal("short", "x", ""), CryptoError);
}

TEST(KekRing, ParsesKeysInOrderTheFirstWraps) {
  const KekRing r = KekRing::parse("# comment\n\n" + kek_line("new-2") + "  " + kek_line("old_1.a"));
  ASSERT_EQ(r.keys().size(), 2u);
  EXPECT_EQ(r.primary().id, "new-2");
  EXPECT_TRUE(r.find("old_1.a"));
  EXPECT_FALSE(r.find("other"));
  EXPECT_TRUE(KekRing::parse("").empty());
}

TEST(KekRing, RefusesMalformedFilesWithoutEchoingKeys) {
  const std::string good = util::base64_encode(util::random_bytes(32));
  const std::vector<std::string> bad = {
      "k1\n",                                                      // no key
      "k1 " + good + " extra\n",                                   // three fields
      "k1 " + util::base64_encode(util::random_bytes(16)) + "\n",  // 128 bits
      "k1 not*base64\n",
      "k/1 " + good + "\n",  // id alphabet
      std::string(65, 'k') + " " + good + "\n",
      "k1 " + good + "\nk1 " + good + "\n",  // duplicate id
  };
  for (const auto& text : bad) {
    try {
      KekRing::parse(text);
      ADD_FAILURE() << "accepted: " << text;
    } catch (const KekError& e) {
      EXPECT_EQ(std::string(e.what()).find(good), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("line"), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(KekRing::load_file("/nonexistent/kek"), KekError);
}

TEST(TenantKeys, DataKeysUnwrapOnlyForTheirTenantAndId) {
  TenantKeys keys(KekRing::parse(kek_line("k1")));
  auto [wrapped, key] = keys.create(kTenantA);
  EXPECT_EQ(wrapped.kek_id, "k1");
  EXPECT_EQ(wrapped.wrapped.size(), 80u) << "the shape the table's constraint checks";
  EXPECT_EQ(key.key.size(), 32u);
  auto back = keys.unwrap(kTenantA, wrapped);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->key, key.key);
  EXPECT_FALSE(keys.unwrap(kTenantB, wrapped)) << "another tenant";
  WrappedKey other_id = wrapped;
  other_id.key_id = "00000000-0000-4000-8000-000000000000";
  EXPECT_FALSE(keys.unwrap(kTenantA, other_id)) << "another key id";
  WrappedKey unknown_kek = wrapped;
  unknown_kek.kek_id = "k9";
  EXPECT_FALSE(keys.unwrap(kTenantA, unknown_kek));
  EXPECT_NE(keys.create(kTenantA).second.key, key.key) << "every key random";
  EXPECT_THROW(TenantKeys(KekRing()).create(kTenantA), CryptoError) << "no KEK, no key";
}

TEST(TenantKeys, RewrapMovesAKeyToTheNewKekWithoutChangingIt) {
  const std::string old_line = kek_line("old"), new_line = kek_line("new");
  TenantKeys before(KekRing::parse(old_line));
  auto [wrapped, key] = before.create(kTenantA);
  TenantKeys both(KekRing::parse(new_line + old_line));
  auto fresh = both.rewrap(kTenantA, wrapped);
  ASSERT_TRUE(fresh);
  EXPECT_EQ(fresh->kek_id, "new");
  EXPECT_EQ(fresh->key_id, wrapped.key_id);
  TenantKeys after(KekRing::parse(new_line));
  auto k = after.unwrap(kTenantA, *fresh);
  ASSERT_TRUE(k);
  EXPECT_EQ(k->key, key.key);
  EXPECT_FALSE(after.unwrap(kTenantA, wrapped)) << "the old wrapping needs the old KEK";
}

TEST(SecretConfig, ValuesOpenOnlyInTheirTenantTypeAndKey) {
  TenantKeys keys(KekRing::parse(kek_line("k1")));
  const DataKey k = keys.create(kTenantA).second;
  const std::string env = seal_config_value(k, "integrations", "stripe", R"({"api_key":"sk_1"})");
  EXPECT_EQ(env.find("sk_1"), std::string::npos);
  const std::string ct_marker = "\"ct\":\"";
  const size_t at = env.find(ct_marker) + ct_marker.size();
  const std::string ct = env.substr(at, env.find('"', at) - at);
  EXPECT_EQ(open_config_value(k, "integrations", "stripe", ct),
            std::optional<std::string>(R"({"api_key":"sk_1"})"));
  EXPECT_FALSE(open_config_value(k, "integrations", "slack", ct));
  EXPECT_FALSE(open_config_value(k, "general", "stripe", ct));
  DataKey moved = k;
  moved.tenant_id = kTenantB;
  EXPECT_FALSE(open_config_value(moved, "integrations", "stripe", ct));
  EXPECT_FALSE(open_config_value(k, "integrations", "stripe", "not base64!"));
  EXPECT_TRUE(is_secret_config_type("integrations"));
  EXPECT_FALSE(is_secret_config_type("general"));
}

}  // namespace
}  // namespace tenantd::crypto
