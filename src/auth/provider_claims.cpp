#include "auth/provider_claims.hpp"

#include <regex>
#include <stdexcept>

namespace tenantd::auth {
namespace {

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

std::vector<std::vector<std::string>> parse_paths(const std::string& name, const std::string& spec,
                                                  std::vector<std::vector<std::string>> def) {
  if (trim(spec).empty()) return def;
  static const std::regex kSegment("^[A-Za-z0-9_:-]{1,64}$");
  std::vector<std::vector<std::string>> out;
  for (const auto& raw : split(spec, ',')) {
    const std::string path = trim(raw);
    std::vector<std::string> segments = split(path, '.');
    if (segments.size() > 4) throw std::invalid_argument(name + ": '" + path + "' has more than 4 levels");
    for (const auto& seg : segments) {
      if (!std::regex_match(seg, kSegment)) {
        throw std::invalid_argument(name + ": '" + path + "' is not a dotted claim path such as o.id");
      }
    }
    out.push_back(std::move(segments));
  }
  if (out.size() > 4) throw std::invalid_argument(name + ": at most 4 paths");
  return out;
}

bool is_role_name(std::string_view s) {
  if (s.empty() || s.size() > 63 || s[0] < 'a' || s[0] > 'z') return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

}  // namespace

ProviderClaims parse_provider_claims(const std::string& tenant_claim, const std::string& role_claim,
                                     const std::string& subject_kind, const std::string& role_map) {
  ProviderClaims pc;
  pc.tenant_paths = parse_paths("JWT_TENANT_CLAIM", tenant_claim, pc.tenant_paths);
  pc.role_paths = parse_paths("JWT_ROLE_CLAIM", role_claim, pc.role_paths);
  const std::string kind = trim(subject_kind);
  if (kind == "external") {
    pc.external_subject = true;
  } else if (!kind.empty() && kind != "uuid") {
    throw std::invalid_argument("JWT_SUBJECT_KIND must be uuid or external, got '" + kind + "'");
  }
  if (!trim(role_map).empty()) {
    for (const auto& raw : split(role_map, ',')) {
      const std::string entry = trim(raw);
      const auto eq = entry.rfind('=');
      const std::string from = eq == std::string::npos ? "" : trim(entry.substr(0, eq));
      const std::string to = eq == std::string::npos ? "" : trim(entry.substr(eq + 1));
      if (from.empty() || from.size() > 128) {
        throw std::invalid_argument("JWT_ROLE_MAP: '" + entry + "' is not provider_role=tenantd_role");
      }
      if (!is_role_name(to)) {
        throw std::invalid_argument("JWT_ROLE_MAP: '" + to + "' is not a tenantd role name");
      }
      if (!pc.role_map.emplace(from, to).second) {
        throw std::invalid_argument("JWT_ROLE_MAP: '" + from + "' is mapped twice");
      }
    }
  }
  return pc;
}

const rapidjson::Value* claim_at(const rapidjson::Value& payload, const std::vector<std::string>& path) {
  const rapidjson::Value* v = &payload;
  for (const auto& seg : path) {
    if (!v->IsObject()) return nullptr;
    auto it = v->FindMember(rapidjson::Value(seg.c_str(), static_cast<rapidjson::SizeType>(seg.size())));
    if (it == v->MemberEnd()) return nullptr;
    v = &it->value;
  }
  return v;
}

std::string map_provider_role(const ProviderClaims& pc, std::string_view raw) {
  auto it = pc.role_map.find(std::string(raw));
  if (it != pc.role_map.end()) return it->second;
  if (is_role_name(raw)) return std::string(raw);
  return "member";
}

}  // namespace tenantd::auth
