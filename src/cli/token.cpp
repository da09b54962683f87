#include <ctime>
#include <iostream>

#include "auth/jwt.hpp"
#include "cli/commands.hpp"
#include "util/config.hpp"

namespace tenantd::cli {

// Development helper: a token signed with the local HS256 secret.
int cmd_token(const Args& args) {
  try {
    auto cfg = util::load_config();
    if (cfg.jwt_hs256_secret.empty()) {
      std::cerr << "token: JWT_HS256_SECRET is not set (make run keeps one in var/dev-secret)\n";
      return 2;
    }
    const std::string sub = flag_value(args, "--sub");
    if (sub.empty()) {
      std::cerr << "usage: tenantd token --sub ID [--tenant T] [--role R] [--ttl SECONDS]\n";
      return 2;
    }
    std::string role = flag_value(args, "--role");
    if (role.empty()) role = "member";
    const std::string tenant = flag_value(args, "--tenant");
    const std::string ttl_s = flag_value(args, "--ttl");
    const int64_t ttl = ttl_s.empty() ? 3600 : std::stoll(ttl_s);
    const int64_t now = static_cast<int64_t>(std::time(nullptr));
    std::optional<std::string> t;
    if (!tenant.empty()) t = tenant;
    std::cout << auth::mint_hs256(cfg.jwt_hs256_secret, sub, t, role, now, now + ttl, cfg.jwt_issuer,
                                  cfg.jwt_audience)
              << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "token: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace tenantd::cli
