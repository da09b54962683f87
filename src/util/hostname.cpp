#include "util/hostname.hpp"

#include <arpa/inet.h>
#include <idn2.h>
#include <libpsl.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace tenantd::util {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// The shape the domains table accepts: LDH labels, at least two, at most 253 characters, a
// top-level label that is not all digits (so no IPv4 address passes).
bool is_dns_name(const std::string& h) {
  if (h.empty() || h.size() > 253) return false;
  size_t start = 0, labels = 0;
  std::string last;
  while (true) {
    const size_t dot = h.find('.', start);
    last = h.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!is_ldh_label(last)) return false;
    ++labels;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return labels >= 2 && !std::all_of(last.begin(), last.end(), ::isdigit);
}

bool under(const std::string& host, const std::string& base) {
  if (base.empty()) return false;
  return host == base ||
         (host.size() > base.size() && host.compare(host.size() - base.size(), base.size(), base) == 0 &&
          host[host.size() - base.size() - 1] == '.');
}

// Debian's publicsuffix list (psl_latest picks the newest of the built-in and the system
// file); loaded once. Without any list, every name counts as a public suffix: fail closed.
const psl_ctx_t* suffixes() {
  static const psl_ctx_t* ctx = [] {
    const psl_ctx_t* c = psl_latest(nullptr);
    return c ? c : psl_builtin();
  }();
  return ctx;
}

}  // namespace

bool is_ldh_label(const std::string& l) {
  if (l.empty() || l.size() > 63 || l.front() == '-' || l.back() == '-') return false;
  return std::all_of(l.begin(), l.end(), [](unsigned char c) { return std::isalnum(c) || c == '-'; });
}

HostnameResult ascii_hostname(const std::string& host) {
  HostnameResult r;
  const bool ascii = std::all_of(host.begin(), host.end(), [](unsigned char c) { return c < 0x80; });
  if (ascii) {
    r.hostname = lower(host);
    return r;
  }
  char* out = nullptr;
  const int rc = idn2_to_ascii_8z(host.c_str(), &out, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
  if (rc != IDN2_OK || !out) {
    if (out) idn2_free(out);
    r.error =
        std::string("the hostname is not a valid internationalised domain name (") + idn2_strerror(rc) + ")";
    return r;
  }
  r.hostname = lower(out);
  idn2_free(out);
  return r;
}

HostnameResult normalize_custom_hostname(const std::string& raw, const std::string& base_domain) {
  HostnameResult r;
  auto refuse = [&r](const char* why) {
    r.error = why;
    return r;
  };
  if (raw.empty()) return refuse("the hostname is empty");
  if (raw.size() > 1000) return refuse("the hostname is too long");
  if (raw.find("://") != std::string::npos || raw.find('/') != std::string::npos ||
      raw.find('@') != std::string::npos) {
    return refuse("give the hostname alone, without a scheme, user or path");
  }
  for (unsigned char c : raw) {
    if (c <= 0x20 || c == 0x7f) return refuse("the hostname contains spaces or control characters");
  }
  if (raw.front() == '[' || raw.find(':') != std::string::npos) {
    return refuse("the hostname must not carry a port (or be an IPv6 address)");
  }
  if (raw.find('*') != std::string::npos) return refuse("wildcard hostnames cannot be claimed");
  std::string h = raw;
  if (h.back() == '.') h.pop_back();
  if (h.empty() || h.front() == '.' || h.find("..") != std::string::npos) {
    return refuse("the hostname has an empty label");
  }
  in_addr a4;
  if (inet_pton(AF_INET, h.c_str(), &a4) == 1) return refuse("an IP address is not a hostname");
  const HostnameResult a = ascii_hostname(h);
  if (!a.ok()) return a;
  h = a.hostname;
  if (!is_dns_name(h)) {
    return refuse(
        "the hostname must be a DNS name of two or more labels (letters, digits, '-'; 63 "
        "characters a label, 253 in all)");
  }
  if (under(h, base_domain)) return refuse("hostnames of the platform's own domain cannot be claimed");
  const psl_ctx_t* psl = suffixes();
  if (!psl || psl_is_public_suffix2(psl, h.c_str(), PSL_TYPE_ANY)) {
    return refuse("a public suffix alone (like co.uk) cannot be claimed");
  }
  r.hostname = h;
  return r;
}

std::optional<std::string> custom_domain_from_host(const std::string& host_in, const std::string& base_domain,
                                                   const std::vector<std::string>& own_hostnames) {
  if (host_in.empty() || host_in.size() > 300 || host_in.front() == '[') return std::nullopt;
  std::string host = host_in;
  if (const auto colon = host.find(':'); colon != std::string::npos) {
    const std::string port = host.substr(colon + 1);
    if (port.empty() || !std::all_of(port.begin(), port.end(), ::isdigit)) return std::nullopt;
    host.resize(colon);
  }
  host = lower(host);
  if (!host.empty() && host.back() == '.') host.pop_back();
  if (!is_dns_name(host) || under(host, base_domain)) return std::nullopt;
  if (std::find(own_hostnames.begin(), own_hostnames.end(), host) != own_hostnames.end()) return std::nullopt;
  return host;
}

}  // namespace tenantd::util
