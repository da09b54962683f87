#include "http/client_address.hpp"

#include <arpa/inet.h>

#include <cstring>

namespace tenantd {
namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

bool trusted_by(const IpAddress& ip, const std::vector<Cidr>& trusted) {
  for (const auto& c : trusted) {
    if (cidr_contains(c, ip)) return true;
  }
  return false;
}

// One X-Forwarded-For entry: an address, optionally "[v6]" or "[v6]:port" or "v4:port" (some
// proxies add the port).
std::optional<IpAddress> parse_forwarded_entry(const std::string& raw) {
  std::string e = trim(raw);
  if (e.empty() || e.size() > 64) return std::nullopt;
  if (e.front() == '[') {
    const auto close = e.find(']');
    if (close == std::string::npos) return std::nullopt;
    const std::string rest = e.substr(close + 1);
    if (!rest.empty() &&
        (rest[0] != ':' || rest.size() < 2 || rest.find_first_not_of("0123456789", 1) != std::string::npos)) {
      return std::nullopt;
    }
    auto ip = parse_ip(e.substr(1, close - 1));
    if (ip && ip->v4) return std::nullopt;  // "[1.2.3.4]" is not a valid spelling
    return ip;
  }
  const auto colon = e.find(':');
  if (colon != std::string::npos && e.find(':', colon + 1) == std::string::npos) {
    // exactly one colon: IPv4 with a port
    const std::string port = e.substr(colon + 1);
    if (port.empty() || port.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    auto ip = parse_ip(e.substr(0, colon));
    if (!ip || !ip->v4) return std::nullopt;
    return ip;
  }
  return parse_ip(e);
}

}  // namespace

std::optional<IpAddress> parse_ip(const std::string& text) {
  if (text.empty() || text.size() > 45) return std::nullopt;
  IpAddress ip;
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    ip.v4 = true;
    ip.bytes[10] = 0xff;
    ip.bytes[11] = 0xff;
    std::memcpy(ip.bytes.data() + 12, &v4, 4);
    return ip;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
    std::memcpy(ip.bytes.data(), &v6, 16);
    // An IPv4-mapped IPv6 address (a dual-stack socket's view of an IPv4 peer) is that IPv4 address.
    static const uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    ip.v4 = std::memcmp(ip.bytes.data(), kMapped, 12) == 0;
    return ip;
  }
  return std::nullopt;
}

std::string format_ip(const IpAddress& ip) {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (ip.v4) {
    inet_ntop(AF_INET, ip.bytes.data() + 12, buf, sizeof buf);
  } else {
    inet_ntop(AF_INET6, ip.bytes.data(), buf, sizeof buf);
  }
  return buf;
}

std::vector<Cidr> parse_cidr_list(const std::string& text) {
  std::vector<Cidr> out;
  std::string item;
  auto flush = [&] {
    if (item.empty()) return;
    Cidr c;
    const auto slash = item.find('/');
    auto ip = parse_ip(item.substr(0, slash));
    if (!ip) throw CidrError("'" + item + "' is not an IP address or CIDR network");
    const int bits = ip->v4 ? 32 : 128;
    int prefix = bits;
    if (slash != std::string::npos) {
      const std::string p = item.substr(slash + 1);
      if (p.empty() || p.size() > 3 || p.find_first_not_of("0123456789") != std::string::npos ||
          std::stoi(p) > bits) {
        throw CidrError("'" + item + "' has an invalid prefix length (0-" + std::to_string(bits) + ")");
      }
      prefix = std::stoi(p);
    }
    c.prefix = ip->v4 ? 96 + prefix : prefix;
    c.net = *ip;
    // Host bits set ("10.1.2.3/8") would silently mean the network: refuse, it is usually a typo.
    for (int i = c.prefix; i < 128; ++i) {
      if (c.net.bytes[i / 8] & (0x80 >> (i % 8))) {
        throw CidrError("'" + item + "' has host bits set; write the network address");
      }
    }
    out.push_back(c);
    item.clear();
  };
  for (char ch : text) {
    if (ch == ',' || ch == ' ' || ch == '\t' || ch == '\n') {
      flush();
    } else {
      item += ch;
    }
  }
  flush();
  return out;
}

bool cidr_contains(const Cidr& net, const IpAddress& ip) {
  if (net.net.v4 != ip.v4) return false;
  for (int i = 0; i < net.prefix; ++i) {
    const uint8_t mask = static_cast<uint8_t>(0x80 >> (i % 8));
    if ((net.net.bytes[i / 8] & mask) != (ip.bytes[i / 8] & mask)) return false;
  }
  return true;
}

std::string client_address(const std::string& peer, const std::string* forwarded_for,
                           const std::vector<Cidr>& trusted) {
  auto peer_ip = parse_ip(peer);
  if (!peer_ip) return peer;
  IpAddress current = *peer_ip;
  if (!forwarded_for || trusted.empty() || !trusted_by(current, trusted)) return format_ip(current);
  // Walk from the right: each entry is the address the hop to its right saw.
  const std::string& h = *forwarded_for;
  size_t end = h.size();
  for (int hops = 0; hops < kMaxForwardedHops && end > 0; ++hops) {
    const size_t comma = h.rfind(',', end - 1);
    const size_t begin = comma == std::string::npos ? 0 : comma + 1;
    auto ip = parse_forwarded_entry(h.substr(begin, end - begin));
    if (!ip) break;  // malformed: keep the trusted hop that reported it
    current = *ip;
    if (!trusted_by(current, trusted)) break;  // the right-most untrusted entry
    if (comma == std::string::npos) break;
    end = comma;
  }
  return format_ip(current);
}

std::string rate_limit_key(const std::string& client_address) {
  auto ip = parse_ip(client_address);
  if (!ip || ip->v4) return client_address;
  for (int i = 8; i < 16; ++i) ip->bytes[i] = 0;
  return format_ip(*ip) + "/64";
}

}  // namespace tenantd
