// tenantd keys generate-kek ID | rotate-kek: the key-encryption keys of envelope encryption
// (crypto/kek_ring.hpp, docs/data-lifecycle.md). rotate-kek runs as an operator
// (MIGRATE_DATABASE_URL or --database-url, an owner member: it reads every tenant's wrapped data
// key) and never sees or changes a secret: each data key is unwrapped in this process and
// wrapped again with the first KEK, compare-and-set, so it may be interrupted and run again.
#include <cstdlib>
#include <iostream>
#include <pqxx/pqxx>

#include "cli/commands.hpp"
#include "crypto/aead.hpp"
#include "crypto/tenant_keys.hpp"
#include "db/operator_calls.hpp"
#include "util/base64url.hpp"
#include "util/random.hpp"

namespace tenantd::cli {
namespace {

int rotate_kek(const Args& args) {
  std::string path = flag_value(args, "--kek-file");
  if (path.empty()) {
    const char* env = std::getenv("KEK_FILE");
    path = env ? env : "";
  }
  if (path.empty()) {
    std::cerr << "keys rotate-kek: no KEK_FILE (or --kek-file) to rewrap with\n";
    return 2;
  }
  crypto::TenantKeys keys(crypto::KekRing::load_file(path));
  const std::string primary = keys.ring().primary().id;
  pqxx::connection c(operator_database_url(args));
  long rewrapped = 0, changed_meanwhile = 0, failed = 0;
  std::string after_tenant, after_id;
  for (;;) {
    const auto batch = db::operator_calls::data_keys_to_rewrap(c, primary, after_tenant, after_id, 200);
    if (batch.empty()) break;
    for (const auto& row : batch) {
      const std::string& tenant = row.cells[0];
      crypto::WrappedKey old{row.cells[1], row.cells[2], row.cells[3]};
      after_tenant = tenant;
      after_id = old.key_id;
      auto fresh = keys.rewrap(tenant, old);
      if (!fresh) {
        // never the key material: the ids say which row an operator must look at
        std::cerr << "keys rotate-kek: data key " << old.key_id << " of tenant " << tenant
                  << " does not unwrap (KEK '" << old.kek_id
                  << "' missing from the file, or the row was altered)\n";
        ++failed;
        continue;
      }
      if (db::operator_calls::rewrap_data_key(c, tenant, old.key_id, old.kek_id, old.wrapped, fresh->kek_id,
                                              fresh->wrapped)) {
        ++rewrapped;
      } else {
        ++changed_meanwhile;
      }
    }
  }
  std::cout << "rewrapped " << rewrapped << " data key(s) with KEK '" << primary << "'";
  if (changed_meanwhile) std::cout << "; " << changed_meanwhile << " changed meanwhile (run again)";
  if (failed) std::cout << "; " << failed << " could not be unwrapped";
  std::cout << "\n";
  return failed || changed_meanwhile ? 1 : 0;
}

}  // namespace

int cmd_keys(const Args& args) {
  const std::string sub = args.empty() ? "" : args[0];
  try {
    if (sub == "generate-kek" && args.size() >= 2 && crypto::valid_kek_id(args[1])) {
      std::cout << args[1] << " " << util::base64_encode(util::random_bytes(crypto::kKeyBytes)) << "\n";
      return 0;
    }
    if (sub == "rotate-kek") return rotate_kek(args);
    if (sub == "rotate-tenant" && args.size() >= 2 && args[1].rfind("--", 0) != 0) {
      pqxx::connection c(operator_database_url(args));
      auto id = db::operator_calls::enqueue_key_rotation(c, args[1]);
      if (!id) {
        std::cerr << "keys rotate-tenant: no tenant " << args[1] << "\n";
        return 1;
      }
      std::cout << "queued job " << *id << " (tenant.rotate_key): a new data key for " << args[1]
                << ", its secrets re-sealed\n";
      return 0;
    }
  } catch (const std::exception& e) {
    std::cerr << "keys: " << e.what() << "\n";
    return 1;
  }
  std::cerr << "usage: tenantd keys generate-kek ID | rotate-kek [--kek-file FILE] [--database-url URL]\n"
               "       tenantd keys rotate-tenant TENANT [--database-url URL]\n"
               "  (ID: 1-64 of A-Z a-z 0-9 _ . -)\n";
  return 2;
}

}  // namespace tenantd::cli
