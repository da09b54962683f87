// DNS lookups for custom-domain verification with glibc's libresolv: part of libc6-dev, so no
// new dependency (c-ares would add one for asynchronous lookups, which a job worker that
// checks one domain at a time does not need). Each call has its own resolver state (res_ninit
// / res_nclose), so worker threads share nothing, and DNS_SERVER replaces the state's server
// list for the call only.
#include "util/dns.hpp"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netinet/in.h>
#include <resolv.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace tenantd::util {
namespace {

std::string lower_name(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

DnsAnswer query(const DnsServer& server, const std::string& name, int type, int timeout_ms) {
  DnsAnswer out;
  struct __res_state st;
  std::memset(&st, 0, sizeof st);
  if (res_ninit(&st) != 0) {
    out.error = "error: the resolver could not be initialised";
    return out;
  }
  // No search domains: the name is absolute. One server, one try per query (the job polls again).
  st.options &= ~(RES_DNSRCH | RES_DEFNAMES);
  st.retrans = std::max(1, (timeout_ms + 999) / 1000);
  st.retry = 1;
  if (!server.address.empty()) {
    // glibc keeps IPv6 servers in _u._ext.nsaddrs, which take precedence over nsaddr_list:
    // drop them so the one IPv4 server below is the only one asked.
    for (int i = 0; i < MAXNS; ++i) {
      if (st._u._ext.nsaddrs[i]) {
        std::free(st._u._ext.nsaddrs[i]);
        st._u._ext.nsaddrs[i] = nullptr;
      }
    }
    st.nscount = 1;
    std::memset(&st.nsaddr_list[0], 0, sizeof st.nsaddr_list[0]);
    st.nsaddr_list[0].sin_family = AF_INET;
    st.nsaddr_list[0].sin_port = htons(static_cast<uint16_t>(server.port));
    inet_pton(AF_INET, server.address.c_str(), &st.nsaddr_list[0].sin_addr);
  }
  unsigned char q[NS_PACKETSZ];
  unsigned char ans[8192];
  const int qlen =
      res_nmkquery(&st, ns_o_query, name.c_str(), ns_c_in, type, nullptr, 0, nullptr, q, sizeof q);
  if (qlen < 0) {
    res_nclose(&st);
    out.error = "error: not a valid DNS name";
    return out;
  }
  errno = 0;
  const int n = res_nsend(&st, q, qlen, ans, sizeof ans);
  res_nclose(&st);
  if (n < 0) {
    // glibc gives up after its tries: no answer in time, only SERVFAIL/REFUSED answers
    // (ETIMEDOUT), or no server listening (ECONNREFUSED)
    out.error = errno == ECONNREFUSED ? "timeout (no DNS server listening)" : "timeout";
    return out;
  }
  ns_msg msg;
  if (ns_initparse(ans, n, &msg) != 0) {
    out.error = "error: malformed DNS answer";
    return out;
  }
  switch (ns_msg_getflag(msg, ns_f_rcode)) {
    case ns_r_noerror:
      break;
    case ns_r_nxdomain:
      out.error = "NXDOMAIN";
      return out;
    case ns_r_servfail:
      out.error = "SERVFAIL";
      return out;
    case ns_r_refused:
      out.error = "REFUSED";
      return out;
    default:
      out.error = "error: DNS rcode " + std::to_string(ns_msg_getflag(msg, ns_f_rcode));
      return out;
  }
  for (int i = 0; i < ns_msg_count(msg, ns_s_an); ++i) {
    ns_rr rr;
    if (ns_parserr(&msg, ns_s_an, i, &rr) != 0) continue;
    if (ns_rr_type(rr) != type) continue;
    const unsigned char* rd = ns_rr_rdata(rr);
    const int len = ns_rr_rdlen(rr);
    if (type == ns_t_txt) {
      // character-strings: <length><bytes>…; a record split into several strings is one value
      std::string value;
      for (int p = 0; p < len;) {
        const int l = rd[p];
        if (p + 1 + l > len) break;
        value.append(reinterpret_cast<const char*>(rd + p + 1), l);
        p += 1 + l;
      }
      out.values.push_back(value);
    } else if (type == ns_t_cname) {
      char target[NS_MAXDNAME];
      if (ns_name_uncompress(ns_msg_base(msg), ns_msg_end(msg), rd, target, sizeof target) >= 0) {
        out.values.push_back(lower_name(target));
      }
    }
  }
  return out;
}

}  // namespace

std::optional<DnsServer> parse_dns_server(const std::string& text) {
  DnsServer s;
  if (text.empty()) return s;
  const auto colon = text.rfind(':');
  const std::string host = colon == std::string::npos ? text : text.substr(0, colon);
  if (colon != std::string::npos) {
    const std::string port = text.substr(colon + 1);
    if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), ::isdigit))
      return std::nullopt;
    s.port = std::stoi(port);
    if (s.port < 1 || s.port > 65535) return std::nullopt;
  }
  in_addr a;
  if (inet_pton(AF_INET, host.c_str(), &a) != 1) return std::nullopt;
  s.address = host;
  return s;
}

DnsAnswer dns_query_txt(const DnsServer& server, const std::string& name, int timeout_ms) {
  return query(server, name, ns_t_txt, timeout_ms);
}

DnsAnswer dns_query_cname(const DnsServer& server, const std::string& name, int timeout_ms) {
  return query(server, name, ns_t_cname, timeout_ms);
}

std::string check_domain_records(const DnsServer& server, const std::string& hostname,
                                 const std::string& token, const std::string& cname_target, int timeout_ms) {
  const std::string txt_name = "_tenantd-challenge." + hostname;
  const DnsAnswer txt = dns_query_txt(server, txt_name, timeout_ms);
  if (!txt.ok()) return "TXT " + txt_name + ": " + txt.error;
  if (std::find(txt.values.begin(), txt.values.end(), token) == txt.values.end()) {
    return "TXT " + txt_name + (txt.values.empty() ? ": no record" : ": wrong value");
  }
  // The CNAME chain: hostname -> … -> cname_target (a tenant may point at its own alias first).
  const std::string want = lower_name(cname_target);
  std::string name = hostname;
  std::vector<std::string> seen;
  for (int hop = 0; hop < 8; ++hop) {
    const DnsAnswer c = dns_query_cname(server, name, timeout_ms);
    if (hop == 0 && !c.ok()) return "CNAME " + hostname + ": " + c.error;
    if (hop == 0 && c.values.empty()) return "CNAME " + hostname + ": no record";
    if (c.values.empty() || (!c.ok() && c.error != "NXDOMAIN")) {
      if (c.error.rfind("timeout", 0) == 0) return "CNAME " + name + ": " + c.error;
      return "CNAME " + hostname + ": wrong value (points to " + name + ", expected " + want + ")";
    }
    name = c.values.front();
    if (name == want) return "";
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) return "CNAME " + hostname + ": loop";
    seen.push_back(name);
  }
  return "CNAME " + hostname + ": chain longer than 8";
}

}  // namespace tenantd::util
