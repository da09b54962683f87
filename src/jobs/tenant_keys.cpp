// 'tenant.rotate_key' {"tenant_id"}: a new data key for the tenant and every secret of it
// re-sealed with that key, in the job's one transaction: tenantd.key_rotation_read (the keys and
// secrets, under the tenant's exclusive data key lock, so no secret write commits in between),
// then in this process each value opened with its old key and sealed with a new random one, then
// tenantd.key_rotation_apply (the new key active, the values replaced, the old keys shredded, an
// audit row). A crash anywhere rolls all of it back and the queue runs the job again. Values
// written in clear before encryption existed are sealed on the way. A value that does not open
// fails the job (it names the entry, never a value): rotating would otherwise shred the only key
// that might still open it.
#include "crypto/tenant_keys.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/spdlog.h>

#include <memory>

#include "db/job_queue.hpp"
#include "jobs/worker.hpp"
#include "util/json_value.hpp"
#include "util/uuid.hpp"

namespace tenantd::jobs {
namespace {

void rotate(crypto::TenantKeys& keys, pqxx::work& tx, const std::string& tenant) {
  rapidjson::Document state;
  state.Parse(db::job_queue::key_rotation_read(tx, tenant).c_str());
  if (state.HasParseError() || !state.IsObject())
    throw std::runtime_error("tenant.rotate_key: unreadable state");
  std::map<std::string, crypto::DataKey> old_keys;
  for (const auto& k : state["keys"].GetArray()) {
    crypto::WrappedKey w{util::string_member(k, "id"), util::string_member(k, "kek_id"),
                         util::string_member(k, "wrapped_key")};
    if (auto dk = keys.unwrap(tenant, w)) old_keys[w.key_id] = *dk;
  }
  auto made = keys.create(tenant);
  const crypto::DataKey& fresh = made.second;
  std::string values = "[";
  int n = 0;
  for (const auto& s : state["secrets"].GetArray()) {
    const std::string type = util::string_member(s, "type"), key = util::string_member(s, "key");
    const rapidjson::Value& value = s["value"];
    std::string plain;
    if (value.IsObject() && util::string_member(value, "sealed") == "v1") {
      auto k = old_keys.find(util::string_member(value, "kid"));
      auto opened = k == old_keys.end()
                        ? std::nullopt
                        : crypto::open_config_value(k->second, type, key, util::string_member(value, "ct"));
      if (!opened) {
        throw std::runtime_error("tenant.rotate_key: the " + type + " entry '" + key + "' of tenant " +
                                 tenant +
                                 " does not open with the tenant's keys; write it again, then retry");
      }
      plain = *opened;
    } else {
      plain = util::json_text(value);  // written in clear before encryption existed: sealed now
    }
    values += std::string(n++ ? "," : "") + "{\"id\":\"" + util::string_member(s, "id") +
              "\",\"value\":" + crypto::seal_config_value(fresh, type, key, plain) + "}";
  }
  values += "]";
  const std::string new_key = "{\"id\":\"" + made.first.key_id + "\",\"kek_id\":\"" + made.first.kek_id +
                              "\",\"wrapped_key\":\"" + made.first.wrapped + "\"}";
  const int resealed = db::job_queue::key_rotation_apply(tx, tenant, new_key, values);
  spdlog::info("\"msg\":\"tenant data key rotated\",\"tenant\":\"{}\",\"key_id\":\"{}\",\"resealed\":{}",
               tenant, made.first.key_id, resealed);
}

}  // namespace

void register_key_handlers(const std::string& kek_file) {
  // loaded once; an unreadable file leaves the keys empty and each job fails with the reason
  std::string problem;
  std::shared_ptr<crypto::TenantKeys> keys = crypto::load_worker_keys(kek_file, problem);
  register_handler("tenant.rotate_key", [keys, problem](pqxx::work& tx, const Job& job) {
    if (!keys || !keys->configured()) {
      throw std::runtime_error(
          "tenant.rotate_key: " +
          (problem.empty() ? std::string("no KEK_FILE configured for the workers") : problem));
    }
    rapidjson::Document d;
    d.Parse(job.payload.c_str());
    const std::string tenant = !d.HasParseError() && d.IsObject() ? util::string_member(d, "tenant_id") : "";
    if (!util::is_uuid(tenant)) throw std::runtime_error("tenant.rotate_key: malformed payload");
    rotate(*keys, tx, util::canonical_uuid(tenant));
  });
}

}  // namespace tenantd::jobs
