#include "auth/jwt.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_set>
#include <utility>

#include "auth/remote_jwks.hpp"
#include "util/base64url.hpp"
#include "util/sha256.hpp"

namespace tenantd::auth {
namespace {

constexpr char kDefaultRole[] = "member";
constexpr size_t kMaxRoleLength = 63;

// Iterative parsing keeps deeply nested attacker JSON off the call stack; encoding validation keeps
// invalid UTF-8 out of claims that end up in logs and database queries.
constexpr unsigned kJsonFlags =
    rapidjson::kParseDefaultFlags | rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;

[[noreturn]] void fail(const char* code, const char* msg) {
  throw JwtError(code, msg);
}

struct Segments {
  std::string_view header_b64;
  std::string_view payload_b64;
  std::string_view signature_b64;
  std::string_view signing_input;
};

Segments split(std::string_view token) {
  const size_t dot1 = token.find('.');
  const size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    fail("malformed_token", "token must have exactly three segments");
  }
  return {token.substr(0, dot1), token.substr(dot1 + 1, dot2 - dot1 - 1), token.substr(dot2 + 1),
          token.substr(0, dot2)};
}

std::string decode_segment(std::string_view b64) {
  auto bytes = util::base64url_decode(b64);
  if (!bytes) fail("malformed_token", "token segment is not valid base64url");
  return std::move(*bytes);
}

// RapidJSON keeps duplicate member names and FindMember returns the first; other parsers take the last.
// Refusing duplicates removes any chance of two components reading different values from one token.
bool has_duplicate_members(const rapidjson::Value& obj) {
  std::unordered_set<std::string_view> seen;
  for (const auto& m : obj.GetObject()) {
    if (!seen.emplace(m.name.GetString(), m.name.GetStringLength()).second) return true;
  }
  return false;
}

void parse_object(rapidjson::Document& doc, const std::string& json, const char* what_fails) {
  // RapidJSON reads a NUL byte as end of input, so "{...}\0garbage" would parse; valid JSON text never
  // contains a raw NUL.
  if (json.find('\0') != std::string::npos) fail("malformed_token", what_fails);
  doc.Parse<kJsonFlags>(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject() || has_duplicate_members(doc))
    fail("malformed_token", what_fails);
}

const rapidjson::Value* member(const rapidjson::Value& obj, const char* name) {
  auto it = obj.FindMember(name);
  return it == obj.MemberEnd() ? nullptr : &it->value;
}

std::string_view view(const rapidjson::Value& v) {
  return {v.GetString(), v.GetStringLength()};
}

// A string claim that downstream code uses as an identifier: non-empty and free of NUL bytes, which
// C-string consumers would silently truncate.
std::optional<std::string> identifier_claim(const rapidjson::Value& payload, const char* name) {
  const rapidjson::Value* v = member(payload, name);
  if (v == nullptr) return std::nullopt;
  if (!v->IsString()) fail("invalid_claim", "a string claim has the wrong type");
  const std::string_view s = view(*v);
  if (s.empty() || s.find('\0') != std::string_view::npos) fail("invalid_claim", "a string claim is invalid");
  return std::string(s);
}

enum class Round { kDown, kUp };

// NumericDate (RFC 7519 section 2) may be fractional. Rounding goes in the strict direction for each
// claim: exp down, nbf/iat up.
std::optional<int64_t> numeric_date(const rapidjson::Value& payload, const char* name, Round round) {
  const rapidjson::Value* v = member(payload, name);
  if (v == nullptr) return std::nullopt;
  if (v->IsInt64()) return v->GetInt64();
  if (v->IsDouble()) {
    const double d = round == Round::kDown ? std::floor(v->GetDouble()) : std::ceil(v->GetDouble());
    // 2^62 is far beyond any real date and leaves room for the leeway arithmetic.
    constexpr double kLimit = 4611686018427387904.0;
    if (std::isfinite(d) && d > -kLimit && d < kLimit) return static_cast<int64_t>(d);
  }
  fail("invalid_claim", "a time claim is not a valid number");
}

int64_t saturating_add(int64_t a, int64_t non_negative) {
  return a > std::numeric_limits<int64_t>::max() - non_negative ? std::numeric_limits<int64_t>::max()
                                                                : a + non_negative;
}

bool valid_role(std::string_view role) {
  if (role.empty() || role.size() > kMaxRoleLength) return false;
  if (role[0] < 'a' || role[0] > 'z') return false;
  return std::all_of(role.begin() + 1, role.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == ':' || c == '.' || c == '-';
  });
}

std::vector<std::string> audience_claim(const rapidjson::Value& payload) {
  const rapidjson::Value* v = member(payload, "aud");
  std::vector<std::string> out;
  if (v == nullptr) return out;
  if (v->IsString()) {
    out.emplace_back(view(*v));
  } else if (v->IsArray()) {
    for (const auto& item : v->GetArray()) {
      if (!item.IsString()) fail("invalid_claim", "the aud claim contains a non-string");
      out.emplace_back(view(item));
    }
  } else {
    fail("invalid_claim", "the aud claim has the wrong type");
  }
  return out;
}

// The first present of `paths` as an identifier (every present one is type-checked, so a
// malformed later path never passes unnoticed); nullopt when none is present.
std::optional<std::string> identifier_at(const rapidjson::Value& payload,
                                         const std::vector<std::vector<std::string>>& paths) {
  std::optional<std::string> first;
  for (const auto& path : paths) {
    const rapidjson::Value* v = claim_at(payload, path);
    if (v == nullptr) continue;
    if (!v->IsString()) fail("invalid_claim", "a string claim has the wrong type");
    const std::string_view s = view(*v);
    if (s.empty() || s.find('\0') != std::string_view::npos)
      fail("invalid_claim", "a string claim is invalid");
    if (!first) first = std::string(s);
  }
  return first;
}

// provider: null for tenantd's own tokens (tenant_id or org_id, role); else where the
// provider's token keeps them (auth/provider_claims.hpp).
Claims claims_from_payload(const rapidjson::Value& payload, const ProviderClaims* provider) {
  Claims claims;
  auto sub = identifier_claim(payload, "sub");
  if (!sub) fail("missing_claim", "the sub claim is required");
  claims.sub = std::move(*sub);

  if (provider == nullptr) {
    // Both are type-checked even when tenant_id wins, so a malformed org_id never passes unnoticed.
    auto tenant_id = identifier_claim(payload, "tenant_id");
    auto org_id = identifier_claim(payload, "org_id");
    claims.tenant_id = tenant_id ? std::move(tenant_id) : std::move(org_id);

    if (const rapidjson::Value* role = member(payload, "role")) {
      if (!role->IsString() || !valid_role(view(*role))) fail("invalid_claim", "the role claim is invalid");
      claims.role = std::string(view(*role));
    } else {
      claims.role = kDefaultRole;
    }
  } else {
    claims.from_provider = true;
    claims.external_subject = provider->external_subject;
    claims.tenant_id = identifier_at(payload, provider->tenant_paths);
    if (auto role = identifier_at(payload, provider->role_paths)) {
      if (role->size() > kMaxRoleLength) fail("invalid_claim", "the role claim is invalid");
      claims.role = map_provider_role(*provider, *role);
    } else {
      claims.role = kDefaultRole;
    }
  }

  if (const rapidjson::Value* iss = member(payload, "iss")) {
    if (!iss->IsString()) fail("invalid_claim", "the iss claim has the wrong type");
    claims.iss = std::string(view(*iss));
  }
  claims.aud = audience_claim(payload);

  claims.exp = numeric_date(payload, "exp", Round::kDown);
  claims.nbf = numeric_date(payload, "nbf", Round::kUp);
  claims.iat = numeric_date(payload, "iat", Round::kUp);
  // Tokens without expiry would stay valid forever if leaked; refuse them.
  if (!claims.exp) fail("missing_claim", "the exp claim is required");
  return claims;
}

}  // namespace

JwtError::JwtError(std::string code, const std::string& msg)
    : std::runtime_error(msg), code_(std::move(code)) {}

JwtVerifier::JwtVerifier(const VerifierConfig& cfg)
    : hs256_secret_(cfg.hs256_secret),
      issuer_(cfg.issuer),
      audience_(cfg.audience),
      leeway_seconds_(std::clamp<int64_t>(cfg.leeway_seconds, 0, kMaxLeewaySeconds)) {
  provider_ = cfg.provider;
  keys_.load_pem_list(cfg.public_keys);
  if (!cfg.jwks_file.empty()) keys_.load_jwks_file(cfg.jwks_file);
}

void JwtVerifier::add_key(Key key) {
  own_kids_.insert(key.kid());
  keys_.add(std::move(key));
}

void JwtVerifier::set_remote_jwks(std::shared_ptr<RemoteJwks> remote) {
  remote_ = std::move(remote);
}

bool JwtVerifier::has_any_key() const {
  return !hs256_secret_.empty() || !keys_.empty() || remote_ != nullptr;
}

Claims JwtVerifier::verify(std::string_view token, int64_t now_unix) const {
  if (token.size() > kMaxTokenBytes) fail("malformed_token", "token is too large");
  const Segments seg = split(token);
  const std::string header_json = decode_segment(seg.header_b64);
  const std::string payload_json = decode_segment(seg.payload_b64);
  const std::string signature = decode_segment(seg.signature_b64);

  rapidjson::Document header;
  parse_object(header, header_json, "token header is not a JSON object");
  const rapidjson::Value* alg_value = member(header, "alg");
  if (alg_value == nullptr || !alg_value->IsString())
    fail("malformed_token", "token header has no alg string");
  // We implement no extensions, and RFC 7515 4.1.11 requires rejecting tokens that demand any.
  if (member(header, "crit") != nullptr)
    fail("malformed_token", "token header has unsupported crit parameters");
  const rapidjson::Value* kid_value = member(header, "kid");
  if (kid_value != nullptr && (!kid_value->IsString() || kid_value->GetStringLength() == 0)) {
    fail("malformed_token", "token header kid is not a non-empty string");
  }

  const std::optional<Algorithm> alg = parse_algorithm(view(*alg_value));
  if (!alg) fail("unsupported_algorithm", "token algorithm is not accepted");

  // tenantd's own tokens (the HS256 secret, the signing keys of add_key) keep tenantd's claim
  // names; a provider's are read as ProviderClaims says
  bool own = true;
  if (*alg == Algorithm::kHs256) {
    // HS256 is checked only against the configured secret, whatever kid says: a public key must never
    // become an HMAC secret (the RS256/HS256 confusion attack).
    if (hs256_secret_.empty()) fail("unsupported_algorithm", "HS256 tokens are not accepted");
    const std::string expected = util::hmac_sha256_raw(hs256_secret_, seg.signing_input);
    if (!util::constant_time_equal(expected, signature)) fail("bad_signature", "token signature is invalid");
  } else {
    const Key* key = nullptr;
    std::shared_ptr<const KeyStore> remote_keys;  // holds a fetched key alive while it verifies
    if (kid_value != nullptr) {
      const std::string_view kid = view(*kid_value);
      key = keys_.find(kid);
      if (key == nullptr && remote_ != nullptr) {
        remote_keys = remote_->keys();
        key = remote_keys->find(kid);
        // The provider may have rotated: one fetch now, rate-limited inside.
        if (key == nullptr) {
          remote_keys = remote_->refresh_for_unknown_kid(kid);
          key = remote_keys->find(kid);
        }
      }
      if (key == nullptr) fail("unknown_key", "token kid does not name a configured key");
      if (key->algorithm() != *alg) fail("unsupported_algorithm", "token algorithm does not match its key");
    } else {
      key = keys_.sole_key_for(*alg);
      if (key == nullptr) fail("unknown_key", "no single configured key for the token algorithm");
    }
    if (!verify_signature(*key, seg.signing_input, signature))
      fail("bad_signature", "token signature is invalid");
    own = remote_keys == nullptr && own_kids_.count(key->kid()) > 0;
  }

  rapidjson::Document payload;
  parse_object(payload, payload_json, "token payload is not a JSON object");
  Claims claims = claims_from_payload(payload, own ? nullptr : &provider_);

  if (now_unix > saturating_add(*claims.exp, leeway_seconds_)) fail("token_expired", "token has expired");
  const int64_t now_plus_leeway = saturating_add(now_unix, leeway_seconds_);
  if (claims.nbf && now_plus_leeway < *claims.nbf) fail("token_not_yet_valid", "token is not valid yet");
  if (claims.iat && *claims.iat > now_plus_leeway)
    fail("token_issued_in_future", "token iat is in the future");

  if (!issuer_.empty()) {
    if (member(payload, "iss") == nullptr) fail("missing_claim", "the iss claim is required");
    if (claims.iss != issuer_) fail("bad_issuer", "token issuer is not accepted");
  }
  if (!audience_.empty()) {
    if (member(payload, "aud") == nullptr) fail("missing_claim", "the aud claim is required");
    if (std::find(claims.aud.begin(), claims.aud.end(), audience_) == claims.aud.end()) {
      fail("bad_audience", "token audience is not accepted");
    }
  }
  return claims;
}

std::string access_claims_json(const std::string& sub, const std::optional<std::string>& tenant_id,
                               const std::string& role, int64_t iat, int64_t exp, const std::string& iss,
                               const std::string& aud) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  auto str = [&w](const std::string& s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); };
  w.StartObject();
  w.Key("sub");
  str(sub);
  if (tenant_id) {
    w.Key("tenant_id");
    str(*tenant_id);
  }
  if (!role.empty()) {
    w.Key("role");
    str(role);
  }
  w.Key("iat");
  w.Int64(iat);
  w.Key("exp");
  w.Int64(exp);
  if (!iss.empty()) {
    w.Key("iss");
    str(iss);
  }
  if (!aud.empty()) {
    w.Key("aud");
    str(aud);
  }
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

std::string mint_hs256(const std::string& secret, const std::string& sub,
                       const std::optional<std::string>& tenant_id, const std::string& role, int64_t iat,
                       int64_t exp, const std::string& iss, const std::string& aud) {
  if (secret.empty()) throw std::invalid_argument("mint_hs256: the HS256 secret must not be empty");
  const std::string claims = access_claims_json(sub, tenant_id, role, iat, exp, iss, aud);
  const std::string signing_input =
      util::base64url_encode(R"({"alg":"HS256","typ":"JWT"})") + "." + util::base64url_encode(claims);
  return signing_input + "." + util::base64url_encode(util::hmac_sha256_raw(secret, signing_input));
}

}  // namespace tenantd::auth
