#include "auth/webhook_signature.hpp"

#include "util/base64url.hpp"
#include "util/sha256.hpp"

namespace tenantd::auth {

namespace {
std::vector<std::string> split_ws(const std::string& s, bool commas) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ' ' || c == '\t' || (commas && c == ',')) {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}
}  // namespace

std::vector<std::string> parse_webhook_secrets(const std::string& value) {
  std::vector<std::string> keys;
  int n = 0;
  for (const auto& entry : split_ws(value, true)) {
    ++n;
    constexpr std::string_view kPrefix = "whsec_";
    std::string_view b64 = entry;
    if (b64.substr(0, kPrefix.size()) == kPrefix) b64.remove_prefix(kPrefix.size());
    auto key = util::base64_decode(b64);
    if (!key || key->size() < 16) {
      // The secret itself is never echoed: only its position.
      throw std::runtime_error("WEBHOOK_SECRET entry " + std::to_string(n) +
                               " is not a whsec_ secret with at least 16 bytes of base64 key");
    }
    keys.push_back(*key);
  }
  return keys;
}

std::string sign_webhook(const std::string& key, std::string_view id, std::string_view timestamp,
                         std::string_view body) {
  std::string content;
  content.reserve(id.size() + timestamp.size() + body.size() + 2);
  content.append(id).append(".").append(timestamp).append(".").append(body);
  return "v1," + util::base64_encode(util::hmac_sha256_raw(key, content));
}

void verify_webhook(const std::vector<std::string>& keys, std::string_view id, std::string_view timestamp,
                    std::string_view body, std::string_view signature_header, int64_t now,
                    int64_t tolerance_seconds) {
  if (id.empty() || timestamp.empty() || signature_header.empty()) {
    throw WebhookError("missing_header", "webhook-id, webhook-timestamp and webhook-signature are required");
  }
  if (keys.empty()) throw WebhookError("bad_signature", "no webhook secret is configured");
  if (timestamp.size() > 12 || timestamp.find_first_not_of("0123456789") != std::string_view::npos) {
    throw WebhookError("bad_timestamp", "webhook-timestamp must be integer seconds");
  }
  const int64_t ts = std::stoll(std::string(timestamp));
  if (ts < now - tolerance_seconds || ts > now + tolerance_seconds) {
    throw WebhookError("timestamp_out_of_tolerance", "webhook-timestamp is too far from the current time");
  }
  const auto offered = split_ws(std::string(signature_header), false);
  bool ok = false;
  for (const auto& key : keys) {
    const std::string expected = sign_webhook(key, id, timestamp, body);
    for (const auto& sig : offered) {
      // Compare every candidate (no early exit on a match) so timing says nothing about which.
      ok = util::constant_time_equal(sig, expected) || ok;
    }
  }
  if (!ok) throw WebhookError("bad_signature", "no webhook signature matches");
}

}  // namespace tenantd::auth
