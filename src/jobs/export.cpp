// 'tenant.export' {"tenant_id", "export_id"[, "phase": "write"]}: a tenant's data export, in two
// jobs. The first (no phase) marks the export running (tenantd.export_start) and queues the
// second in the same transaction, so clients see 'running' while the file is written. The
// second, in its one transaction: tenantd.export_start again (still running; the tables; the
// wrapped data keys when secrets are to be opened), then every row of the tenant from each table
// as JSON lines, read as tenantd_readonly under row-level security for that tenant
// (db::job_queue::export_rows), then the tar file EXPORT_DIR/<tenant>/<export id>.tar (one <table>.jsonl
// per table and manifest.json: tenant, created_at, tables, row counts, SHA-256 and size of each
// file), then tenantd.export_finish (done, the file's digest, the counts). A crash before the
// commit leaves the export running and the queue runs the job again, which writes the file anew
// (same name; written to a .part file and renamed, so a reader never sees half a file).
//
// Secrets: any column whose value is a sealed envelope ({"sealed": "v1", "kid", "ct"}) is
// replaced by {"excluded": "secret"}, unless the export was asked with include_secrets (which
// needed config:secrets); then the secret configuration values are opened with the tenant's data
// key (crypto/tenant_keys.hpp) and written in clear. A value that does not open fails the job
// (naming the entry, never a value).
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>

#include "crypto/tenant_keys.hpp"
#include "db/job_queue.hpp"
#include "jobs/worker.hpp"
#include "util/json_escape.hpp"
#include "util/json_value.hpp"
#include "util/sha256.hpp"
#include "util/tar_writer.hpp"
#include "util/uuid.hpp"

namespace tenantd::jobs {
namespace {

bool is_sealed(const rapidjson::Value& v) {
  return v.IsObject() && util::string_member(v, "sealed") == "v1" && v.HasMember("kid") &&
         v["kid"].IsString() && v.HasMember("ct") && v["ct"].IsString();
}

struct Payload {
  std::string tenant, export_id;
  bool write = false;  // the second job: write the file
};

Payload parse_payload(const Job& job) {
  rapidjson::Document d;
  d.Parse(job.payload.c_str());
  const std::string t = !d.HasParseError() && d.IsObject() ? util::string_member(d, "tenant_id") : "";
  const std::string e = !d.HasParseError() && d.IsObject() ? util::string_member(d, "export_id") : "";
  if (!util::is_uuid(t) || !util::is_uuid(e)) throw std::runtime_error("tenant.export: malformed payload");
  return {util::canonical_uuid(t), util::canonical_uuid(e), util::string_member(d, "phase") == "write"};
}

// One row's JSON text with its sealed values excluded or opened.
std::string filter_secrets(const std::string& line, const std::string& table, bool open,
                           const std::map<std::string, crypto::DataKey>& keys) {
  if (line.find("\"sealed\"") == std::string::npos) return line;  // cheap test first
  rapidjson::Document row;
  row.Parse(line.c_str(), line.size());
  if (row.HasParseError() || !row.IsObject())
    throw std::runtime_error("tenant.export: unreadable row in " + table);
  bool changed = false;
  for (auto it = row.MemberBegin(); it != row.MemberEnd(); ++it) {
    if (!is_sealed(it->value)) continue;
    const std::string type = util::string_member(row, "type"), key = util::string_member(row, "key");
    if (open && table == "tenantd.tenant_configs" && crypto::is_secret_config_type(type)) {
      auto k = keys.find(util::string_member(it->value, "kid"));
      auto plain = k == keys.end() ? std::nullopt
                                   : crypto::open_config_value(k->second, type, key,
                                                               util::string_member(it->value, "ct"));
      rapidjson::Document v(&row.GetAllocator());
      if (plain) v.Parse(plain->c_str(), plain->size());
      if (!plain || v.HasParseError()) {
        throw std::runtime_error("tenant.export: the " + type + " entry '" + key +
                                 "' does not open with the tenant's data keys");
      }
      it->value.CopyFrom(v, row.GetAllocator());
    } else {
      it->value.SetObject();
      it->value.AddMember("excluded", "secret", row.GetAllocator());
    }
    changed = true;
  }
  return changed ? util::json_text(row) : line;
}

void write_file(const std::filesystem::path& path, const std::string& bytes) {
  const std::filesystem::path part = path.string() + ".part";
  {
    std::ofstream f(part, std::ios::binary | std::ios::trunc);
    if (!f)
      throw std::runtime_error("tenant.export: cannot write " + part.string() + ": " + std::strerror(errno));
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    f.flush();
    if (!f) throw std::runtime_error("tenant.export: writing " + part.string() + " failed");
  }
  std::filesystem::rename(part, path);
}

void run_export(const std::shared_ptr<crypto::TenantKeys>& tenant_keys, const std::string& kek_problem,
                const std::string& export_dir, pqxx::work& tx, const Payload& p) {
  // the second job reads first, as the reporting role, then starts: on Citus, once export_start
  // (the owner) has written the export row, the tenant's shards are closed to other roles in
  // this transaction
  std::vector<db::job_queue::ExportTable> tables;
  if (p.write) tables = db::job_queue::export_rows(tx, p.tenant);
  rapidjson::Document start;
  start.Parse(db::job_queue::export_start(tx, p.tenant, p.export_id).c_str());
  if (start.HasParseError() || !start.IsObject()) throw std::runtime_error("tenant.export: unreadable start");
  if (start.HasMember("skip")) return;  // done or failed already (a job run twice)
  if (!p.write) {                       // running now, committed with the next job that writes the file
    db::job_queue::enqueue_export_write(tx, p.tenant, p.export_id);
    return;
  }
  const bool with_secrets = start["include_secrets"].IsBool() && start["include_secrets"].GetBool();

  std::map<std::string, crypto::DataKey> keys;
  if (with_secrets) {
    if (!tenant_keys || !tenant_keys->configured()) {
      throw std::runtime_error(
          "tenant.export: secrets were asked for and " +
          (kek_problem.empty() ? std::string("no KEK_FILE is configured for the workers") : kek_problem));
    }
    for (const auto& k : start["keys"].GetArray()) {
      crypto::WrappedKey w{util::string_member(k, "id"), util::string_member(k, "kek_id"),
                           util::string_member(k, "wrapped_key")};
      if (auto dk = tenant_keys->unwrap(p.tenant, w)) keys[w.key_id] = *dk;
    }
  }

  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  util::TarWriter tar;
  std::string manifest_tables = "[", row_counts = "{";
  std::vector<std::pair<std::string, std::string>> files;
  int n = 0;
  for (const auto& [table, lines] : tables) {
    std::string body;
    for (const auto& line : lines) body += filter_secrets(line, table, with_secrets, keys) + '\n';
    const std::string file = table + ".jsonl";
    const std::string sep = n++ ? "," : "";
    manifest_tables += sep + "{\"table\":\"" + util::json_escape(table) + "\",\"file\":\"" +
                       util::json_escape(file) + "\",\"rows\":" + std::to_string(lines.size()) +
                       ",\"bytes\":" + std::to_string(body.size()) + ",\"sha256\":\"" +
                       util::sha256_hex(body) + "\"}";
    row_counts += sep + "\"" + util::json_escape(table) + "\":" + std::to_string(lines.size());
    files.emplace_back(file, std::move(body));
  }
  manifest_tables += "]";
  row_counts += "}";
  const std::string manifest = "{\"format\":\"tenantd-export-1\",\"tenant_id\":\"" + p.tenant +
                               "\",\"export_id\":\"" + p.export_id + "\",\"created_at\":\"" +
                               util::json_escape(util::string_member(start, "created_at")) +
                               "\",\"include_secrets\":" + (with_secrets ? "true" : "false") +
                               ",\"tables\":" + manifest_tables + "}\n";
  tar.add_file("manifest.json", manifest, now);
  for (const auto& [name, body] : files) tar.add_file(name, body, now);
  const std::string& bytes = tar.finish();

  // one directory per tenant: the purge removes it with the tenant's rows
  const std::filesystem::path dir = std::filesystem::path(export_dir) / p.tenant;
  std::filesystem::create_directories(dir);
  const std::string file_name = p.export_id + ".tar";
  write_file(dir / file_name, bytes);
  const std::string digest = util::sha256_hex(bytes);
  db::job_queue::export_finish(tx, p.tenant, p.export_id, file_name, digest,
                               static_cast<int64_t>(bytes.size()), row_counts);
  spdlog::info(
      "\"msg\":\"tenant export written\",\"tenant\":\"{}\",\"export\":\"{}\",\"bytes\":{},\"tables\":{}",
      p.tenant, p.export_id, bytes.size(), files.size());
}

}  // namespace

void register_export_handlers(const std::string& kek_file, const std::string& export_dir) {
  // KEK_FILE loaded once, as for the key rotation job; an unreadable file fails only the exports
  // that ask for secrets, with the reason
  std::string problem;
  std::shared_ptr<crypto::TenantKeys> keys = crypto::load_worker_keys(kek_file, problem);
  register_handler(
      "tenant.export",
      [keys, problem, export_dir](pqxx::work& tx, const Job& job) {
        run_export(keys, problem, export_dir, tx, parse_payload(job));
      },
      [](pqxx::work& tx, const Job& job, const std::string& error, bool final_attempt) {
        const Payload p = parse_payload(job);
        db::job_queue::export_failed(tx, p.tenant, p.export_id, error, final_attempt);
      });
}

}  // namespace tenantd::jobs
