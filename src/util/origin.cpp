#include "util/origin.hpp"

#include <algorithm>
#include <cctype>

#include "util/hostname.hpp"

namespace tenantd::util {
namespace {

constexpr size_t kMaxOrigin = 300;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

// Dotted quad in the form browsers serialise it: four parts, 0-255, no leading zeros.
bool is_ipv4(const std::string& h) {
  size_t start = 0;
  for (int part = 0; part < 4; ++part) {
    const size_t dot = h.find('.', start);
    if ((part < 3) != (dot != std::string::npos)) return false;
    const std::string p = h.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!all_digits(p) || p.size() > 3 || (p.size() > 1 && p[0] == '0') || std::stoi(p) > 255) return false;
    start = dot + 1;
  }
  return true;
}

bool is_loopback(const std::string& host) {
  const std::string suffix = ".localhost";
  return host == "localhost" || host == "127.0.0.1" || host == "[::1]" ||
         (host.size() > suffix.size() &&
          host.compare(host.size() - suffix.size(), suffix.size(), suffix) == 0);
}

}  // namespace

OriginResult normalize_origin(const std::string& raw) {
  OriginResult r;
  auto refuse = [&r](std::string why) {
    r.error = std::move(why);
    return r;
  };
  if (raw.empty()) return refuse("the origin is empty");
  if (raw.size() > kMaxOrigin) return refuse("the origin is longer than 300 characters");
  for (unsigned char c : raw) {
    if (c <= 0x20 || c == 0x7f) return refuse("the origin contains spaces or control characters");
  }
  if (lower(raw) == "null") return refuse("the opaque origin \"null\" cannot be allowed");
  if (raw.find('*') != std::string::npos) return refuse("wildcards are not allowed: list each origin");
  const size_t sep = raw.find("://");
  if (sep == std::string::npos)
    return refuse("an origin is scheme://host[:port], e.g. https://app.example.com");
  const std::string scheme = lower(raw.substr(0, sep));
  if (scheme != "https" && scheme != "http")
    return refuse("the scheme must be https (http for localhost only)");
  std::string rest = raw.substr(sep + 3);
  if (!rest.empty() && rest.back() == '/' && rest.find('/') == rest.size() - 1) {
    return refuse("an origin has no trailing slash: scheme://host[:port]");
  }
  if (rest.find_first_of("/?#\\") != std::string::npos) {
    return refuse("an origin has no path, query or fragment: scheme://host[:port]");
  }
  if (rest.find('@') != std::string::npos) return refuse("an origin has no user information");
  std::string host, port;
  if (!rest.empty() && rest.front() == '[') {
    const size_t close = rest.find(']');
    if (close == std::string::npos) return refuse("the IPv6 address is not closed with ']'");
    host = lower(rest.substr(0, close + 1));
    const std::string after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return refuse("an origin is scheme://host[:port]");
      port = after.substr(1);
      if (port.empty()) return refuse("the port is empty");
    }
    if (host != "[::1]") return refuse("of IPv6 addresses only [::1] (loopback) can be allowed");
  } else {
    const size_t colon = rest.rfind(':');
    host = rest.substr(0, colon);
    if (colon != std::string::npos) {
      port = rest.substr(colon + 1);
      if (port.empty()) return refuse("the port is empty");
    }
    if (host.empty()) return refuse("the origin has no host");
    if (host.back() == '.') return refuse("the host has no trailing dot");
    if (host.find(':') != std::string::npos) return refuse("an IPv6 address must be in brackets");
    const HostnameResult a = ascii_hostname(host);
    if (!a.ok()) return refuse(a.error);
    host = a.hostname;
    if (host.size() > 253) return refuse("the host is longer than 253 characters");
    // labels: letters, digits and '-' (IDNA A-labels are of that form too)
    size_t start = 0;
    std::string last;
    while (true) {
      const size_t dot = host.find('.', start);
      last = host.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
      if (!is_ldh_label(last)) {
        return refuse(
            "the host must be a DNS name (labels of letters, digits and '-', at most 63 characters)");
      }
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    if (all_digits(last) && !is_ipv4(host)) return refuse("the host is not a valid IPv4 address or DNS name");
  }
  if (!port.empty()) {
    if (!all_digits(port) || port.size() > 5 || port[0] == '0' || std::stol(port) > 65535) {
      return refuse("the port must be a number from 1 to 65535 without leading zeros");
    }
    if ((scheme == "https" && port == "443") || (scheme == "http" && port == "80")) port.clear();
  }
  if (scheme == "http" && !is_loopback(host)) {
    return refuse("http is allowed for localhost, *.localhost, 127.0.0.1 and [::1] only; use https");
  }
  if (scheme == "https" && host.front() == '[')
    return refuse("of IPv6 addresses only http://[::1] can be allowed");
  r.origin = scheme + "://" + host + (port.empty() ? "" : ":" + port);
  if (r.origin.size() > kMaxOrigin) return refuse("the origin is longer than 300 characters");
  return r;
}

bool is_canonical_origin(const std::string& origin) {
  const OriginResult r = normalize_origin(origin);
  return r.ok() && r.origin == origin;
}

}  // namespace tenantd::util
