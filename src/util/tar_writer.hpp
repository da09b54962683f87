#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace tenantd::util {

struct TarError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A POSIX ustar archive (POSIX.1-1988, IEEE Std 1003.1 "pax" interchange format, ustar
// headers only) of regular files, built in memory: what the tenant data export writes. Each
// file is a 512-byte header (name, mode 0644, uid/gid 0, size and mtime in octal, checksum,
// type '0', magic "ustar\0" version "00") followed by its bytes padded to 512; the archive
// ends with two zero blocks. Names are at most 100 bytes of printable ASCII without "..";
// sizes below 8 GiB (11 octal digits), so no pax extended headers are ever needed.
class TarWriter {
 public:
  // Throws TarError for a name the format (or this writer) does not take, or after finish().
  void add_file(std::string_view name, std::string_view data, int64_t mtime_unix);
  // The archive's bytes (the end-of-archive blocks appended once); no file may follow.
  const std::string& finish();

 private:
  std::string out_;
  bool finished_ = false;
};

// The 512-byte ustar header of a regular file (exposed for tests).
std::string tar_header(std::string_view name, uint64_t size, int64_t mtime_unix);

}  // namespace tenantd::util
