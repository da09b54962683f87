#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace tenantd {

// An IP address as 16 bytes: IPv4 addresses are kept IPv4-mapped (::ffff:a.b.c.d) so that
// one comparison serves both families.
struct IpAddress {
  std::array<uint8_t, 16> bytes{};
  bool v4 = false;
};

// A network from TRUSTED_PROXIES: "10.0.0.0/8", "2001:db8::/32", or one address (/32, /128).
struct Cidr {
  IpAddress net;
  int prefix = 0;  // over the 128-bit form (an IPv4 /8 is stored as /104)
};

struct CidrError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// A literal IPv4 or IPv6 address (no port, no brackets, no zone); nullopt when malformed.
std::optional<IpAddress> parse_ip(const std::string& text);
// The canonical text of an address (inet_ntop; IPv4 in dotted form).
std::string format_ip(const IpAddress& ip);
// A comma- and/or space-separated CIDR list; throws CidrError naming the bad entry.
std::vector<Cidr> parse_cidr_list(const std::string& text);
bool cidr_contains(const Cidr& net, const IpAddress& ip);

// The client address of a request (DESIGN §1: the key of per-client limits and of public
// Idempotency-Key scopes).
//   - the TCP peer, unless the peer is in `trusted`;
//   - then the right-most X-Forwarded-For entry that is not itself in `trusted`: every entry to
//     its right was appended by a proxy we trust, everything to its left is the client's word.
// A malformed entry ends the walk: it cannot come from a trusted proxy, so the last trusted hop
// that reported it is the best address we know. An unparsable peer is returned as given.
// At most kMaxForwardedHops entries are read (header size is bounded, the work is too).
std::string client_address(const std::string& peer, const std::string* forwarded_for,
                           const std::vector<Cidr>& trusted);
inline constexpr int kMaxForwardedHops = 32;

// The key per-client limits count under: the address itself for IPv4, its /64 for IPv6 (one
// host usually holds a whole /64, so counting single IPv6 addresses would let it rotate freely).
std::string rate_limit_key(const std::string& client_address);

}  // namespace tenantd
