#pragma once
#include <optional>
#include <string>
#include <vector>

namespace tenantd::util {

// A DNS server to ask: DNS_SERVER=host:port (IPv4), or the system's (/etc/resolv.conf).
struct DnsServer {
  std::string address;  // dotted IPv4; empty = the system's servers
  int port = 53;
};
// "127.0.0.1:5353" -> {127.0.0.1, 5353}; "" -> the system's; anything else -> nullopt.
std::optional<DnsServer> parse_dns_server(const std::string& text);

// The answer to one query. `error` is empty on success (rcode NOERROR, records possibly none);
// otherwise a short word a tenant can act on: "NXDOMAIN", "SERVFAIL", "REFUSED", "timeout" (no
// usable answer in time, or no server listening; glibc retries a SERVFAIL or REFUSED answer and
// then reports no answer), "error: …".
struct DnsAnswer {
  std::vector<std::string> values;  // TXT: each record's strings joined; CNAME: target names
  std::string error;
  bool ok() const { return error.empty(); }
};

// One query of type TXT or CNAME for `name`, through glibc's libresolv (res_nsend on a
// per-call resolver state: thread-safe, no global configuration touched). CNAME targets are
// lower case without the trailing dot.
DnsAnswer dns_query_txt(const DnsServer& server, const std::string& name, int timeout_ms);
DnsAnswer dns_query_cname(const DnsServer& server, const std::string& name, int timeout_ms);

// What the verification of a custom domain asks: the TXT record `_tenantd-challenge.<host>`
// holds `token`, and the hostname's CNAME chain (followed up to 8 hops) reaches `cname_target`.
// Returns an empty string when both hold, else what did not ("TXT _tenantd-challenge.x:
// NXDOMAIN", "CNAME x: wrong value (y, expected z)", "… timeout").
std::string check_domain_records(const DnsServer& server, const std::string& hostname,
                                 const std::string& token, const std::string& cname_target, int timeout_ms);

}  // namespace tenantd::util
