#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tenantd::auth {

// Refusal of a webhook delivery; code() is stable (missing_header, bad_timestamp,
// timestamp_out_of_tolerance, bad_signature). Every refusal is a 401 upstream.
class WebhookError : public std::runtime_error {
 public:
  WebhookError(std::string code, const std::string& msg) : std::runtime_error(msg), code_(std::move(code)) {}
  const std::string& code() const { return code_; }

 private:
  std::string code_;
};

// WEBHOOK_SECRET: one or more `whsec_<base64>` secrets separated by commas or spaces (several
// during a rotation). Returns the decoded keys; throws std::runtime_error naming the bad entry.
std::vector<std::string> parse_webhook_secrets(const std::string& value);

// Standard Webhooks (and Svix) verification: HMAC-SHA256 over "{id}.{timestamp}.{body}" with
// each key; the header holds space-separated "v1,<base64>" signatures, any one may match;
// constant-time comparison; |now - timestamp| must be within tolerance_seconds.
void verify_webhook(const std::vector<std::string>& keys, std::string_view id, std::string_view timestamp,
                    std::string_view body, std::string_view signature_header, int64_t now,
                    int64_t tolerance_seconds = 300);

// "v1,<base64>" for one key (used by tests and by anyone sending to us).
std::string sign_webhook(const std::string& key, std::string_view id, std::string_view timestamp,
                         std::string_view body);

}  // namespace tenantd::auth
