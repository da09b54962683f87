#include "util/tar_writer.hpp"

#include <cstring>

namespace tenantd::util {
namespace {

constexpr size_t kBlock = 512;

// `value` in octal, zero-padded to width - 1 digits and a NUL, into field[0, width).
void put_octal(char* field, size_t width, uint64_t value) {
  std::string digits(width - 1, '0');
  for (size_t i = width - 1; i-- > 0;) {
    digits[i] = static_cast<char>('0' + (value & 7));
    value >>= 3;
  }
  if (value != 0) throw TarError("tar: a number does not fit its header field");
  std::memcpy(field, digits.data(), width - 1);
  field[width - 1] = '\0';
}

bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > 100 || name.front() == '/') return false;
  for (char c : name) {
    if (c < 0x21 || c > 0x7e) return false;  // printable ASCII, no spaces
  }
  return name.find("..") == std::string_view::npos;
}

}  // namespace

std::string tar_header(std::string_view name, uint64_t size, int64_t mtime_unix) {
  if (!valid_name(name)) throw TarError("tar: file name not accepted: " + std::string(name));
  if (mtime_unix < 0) throw TarError("tar: negative modification time");
  std::string h(kBlock, '\0');
  char* p = h.data();
  std::memcpy(p, name.data(), name.size());  // name[100]
  put_octal(p + 100, 8, 0644);               // mode
  put_octal(p + 108, 8, 0);                  // uid
  put_octal(p + 116, 8, 0);                  // gid
  put_octal(p + 124, 12, size);              // size
  put_octal(p + 136, 12, static_cast<uint64_t>(mtime_unix));
  std::memset(p + 148, ' ', 8);        // chksum: spaces while it is computed
  p[156] = '0';                        // typeflag: regular file
  std::memcpy(p + 257, "ustar", 6);    // magic "ustar\0"
  std::memcpy(p + 263, "00", 2);       // version
  std::memcpy(p + 265, "tenantd", 7);  // uname
  std::memcpy(p + 297, "tenantd", 7);  // gname
  unsigned sum = 0;
  for (unsigned char c : h) sum += c;
  // six octal digits, NUL, space (the form GNU and BSD tar write)
  put_octal(p + 148, 7, sum);
  p[155] = ' ';
  return h;
}

void TarWriter::add_file(std::string_view name, std::string_view data, int64_t mtime_unix) {
  if (finished_) throw TarError("tar: the archive is finished");
  out_ += tar_header(name, data.size(), mtime_unix);
  out_.append(data.data(), data.size());
  out_.append((kBlock - data.size() % kBlock) % kBlock, '\0');
}

const std::string& TarWriter::finish() {
  if (!finished_) {
    out_.append(2 * kBlock, '\0');
    finished_ = true;
  }
  return out_;
}

}  // namespace tenantd::util
