// Custom-domain hostnames: what a claim accepts (normalised) and refuses (with a reason), and
// which Host headers can name a custom domain. Table-driven.
#include "util/hostname.hpp"

#include <gtest/gtest.h>

#include "util/dns.hpp"

namespace tenantd::util {
namespace {

struct Accepted {
  const char* in;
  const char* out;
};

TEST(CustomHostname, NormalisesWhatItAccepts) {
  const Accepted cases[] = {
      {"shop.example.org", "shop.example.org"},
      {"Shop.Example.ORG", "shop.example.org"},            // lower case
      {"shop.example.org.", "shop.example.org"},           // absolute form
      {"example.org", "example.org"},                      // an apex is a hostname
      {"bücher.example", "xn--bcher-kva.example"},         // IDNA to ASCII
      {"BÜCHER.example", "xn--bcher-kva.example"},         // UTS #46 maps upper case
      {"faß.de", "xn--fa-hia.de"},                         // non-transitional: ß kept
      {"xn--bcher-kva.example", "xn--bcher-kva.example"},  // already an A-label
      {"a-b.c-d.example.com", "a-b.c-d.example.com"},
      {"shop.example.co.uk", "shop.example.co.uk"},  // under a public suffix is fine
      {"myapp.github.io", "myapp.github.io"},        // one level under a private suffix too
  };
  for (const auto& c : cases) {
    const auto r = normalize_custom_hostname(c.in, "tenantd.test");
    EXPECT_TRUE(r.ok()) << c.in << ": " << r.error;
    EXPECT_EQ(r.hostname, c.out) << c.in;
  }
}

struct Refused {
  const char* in;
  const char* reason_has;
};

TEST(CustomHostname, RefusesWithAReason) {
  const Refused cases[] = {
      {"", "empty"},
      {"shop.example.org:8443", "port"},
      {"[::1]", "port"},
      {"*.example.org", "wildcard"},
      {"https://shop.example.org", "scheme"},
      {"shop.example.org/path", "scheme"},
      {"user@shop.example.org", "scheme"},
      {"shop example.org", "spaces"},
      {"shop.example.org\n", "control"},
      {"192.0.2.1", "IP address"},
      {"1.2.3.4.", "IP address"},
      {"localhost", "two or more labels"},
      {"shop..example.org", "empty label"},
      {".example.org", "empty label"},
      {"-shop.example.org", "DNS name"},
      {"shop_.example.org", "DNS name"},
      {"tenantd.test", "platform"},       // the base domain
      {"acme.tenantd.test", "platform"},  // a tenant subdomain
      {"x.y.TENANTD.test.", "platform"},  // normalised before the check
      {"co.uk", "public suffix"},
      {"github.io", "public suffix"},
      {"com.", "two or more labels"},
      {"a.\xff.example", "internationalised"},  // not UTF-8
  };
  for (const auto& c : cases) {
    const auto r = normalize_custom_hostname(c.in, "tenantd.test");
    EXPECT_FALSE(r.ok()) << c.in << " accepted as " << r.hostname;
    EXPECT_NE(r.error.find(c.reason_has), std::string::npos) << c.in << ": " << r.error;
  }
  const std::string long_label = std::string(64, 'a') + ".example.org";
  EXPECT_FALSE(normalize_custom_hostname(long_label, "tenantd.test").ok());
  std::string long_name;
  for (int i = 0; i < 50; ++i) long_name += "abcde.";
  EXPECT_FALSE(normalize_custom_hostname(long_name + "org", "tenantd.test").ok());
}

TEST(CustomHostname, HostHeaderNamesACustomDomainOnlyOutsideTheBaseDomain) {
  struct Case {
    const char* host;
    const char* want;  // nullptr: not a custom domain
  };
  const Case cases[] = {
      {"shop.example.org", "shop.example.org"},
      {"Shop.Example.org:8443", "shop.example.org"},
      {"shop.example.org.", "shop.example.org"},
      {"acme.tenantd.test", nullptr},  // the subdomain rule's
      {"tenantd.test", nullptr},
      {"127.0.0.1:8080", nullptr},
      {"[::1]:8080", nullptr},
      {"localhost:8080", nullptr},
      {"shop.example.org:", nullptr},
      {"shop.example.org:x", nullptr},
      {"bad host.example.org", nullptr},
      {"", nullptr},
  };
  for (const auto& c : cases) {
    const auto got = custom_domain_from_host(c.host, "tenantd.test");
    if (c.want) {
      ASSERT_TRUE(got.has_value()) << c.host;
      EXPECT_EQ(*got, c.want);
    } else {
      EXPECT_FALSE(got.has_value()) << c.host << " -> " << *got;
    }
  }
}

// The service's own names (API_HOSTNAMES) are never taken for a custom domain: a request
// through the load balancer's name must not be looked up, and answered 404, as an unknown domain.
TEST(CustomDomainFromHost, TheServicesOwnHostnamesAreNotCustomDomains) {
  const std::vector<std::string> own = {"api.example.com", "tenantd.default.svc.cluster.local"};
  EXPECT_FALSE(custom_domain_from_host("api.example.com", "tenantd.test", own).has_value());
  EXPECT_FALSE(custom_domain_from_host("API.Example.com.:443", "tenantd.test", own).has_value());
  EXPECT_FALSE(custom_domain_from_host("tenantd.default.svc.cluster.local", "tenantd.test", own).has_value());
  ASSERT_TRUE(custom_domain_from_host("shop.example.com", "tenantd.test", own).has_value());
  EXPECT_EQ(*custom_domain_from_host("shop.example.com", "tenantd.test", own), "shop.example.com");
  // a name that merely ends like an own hostname is still a candidate
  EXPECT_TRUE(custom_domain_from_host("x.api.example.com", "tenantd.test", own).has_value());
}

TEST(DnsServer, ParsesHostAndPort) {
  auto s = parse_dns_server("127.0.0.1:5353");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->address, "127.0.0.1");
  EXPECT_EQ(s->port, 5353);
  s = parse_dns_server("192.0.2.53");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->port, 53);
  s = parse_dns_server("");
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->address.empty());  // the system's
  for (const char* bad :
       {"localhost:53", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:70000", "::1", "1.2.3:53", "x"}) {
    EXPECT_FALSE(parse_dns_server(bad)) << bad;
  }
}

}  // namespace
}  // namespace tenantd::util
