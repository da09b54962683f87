// util::TarWriter: the ustar layout read back field by field (an independent reader here, and
// GNU tar in the export's integration test), the checksum, padding, the end blocks, and the
// names it refuses.
#include "util/tar_writer.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using tenantd::util::tar_header;
using tenantd::util::TarError;
using tenantd::util::TarWriter;

uint64_t octal(const std::string& block, size_t off, size_t len) {
  uint64_t v = 0;
  for (size_t i = off; i < off + len && block[i] >= '0' && block[i] <= '7'; ++i) v = v * 8 + (block[i] - '0');
  return v;
}

struct Entry {
  std::string name, data;
  uint64_t mtime;
};

// A minimal ustar reader: checks each header's magic and checksum, returns the files.
std::vector<Entry> read_tar(const std::string& tar) {
  std::vector<Entry> out;
  size_t pos = 0;
  while (true) {
    EXPECT_LE(pos + 512, tar.size());
    const std::string h = tar.substr(pos, 512);
    if (h == std::string(512, '\0')) {
      EXPECT_EQ(tar.substr(pos + 512), std::string(512, '\0')) << "two zero blocks end the archive";
      EXPECT_EQ(tar.size(), pos + 1024);
      return out;
    }
    EXPECT_EQ(h.substr(257, 6), std::string("ustar\0", 6));
    EXPECT_EQ(h.substr(263, 2), "00");
    EXPECT_EQ(h[156], '0');
    unsigned sum = 0;
    for (size_t i = 0; i < 512; ++i) sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(h[i]);
    EXPECT_EQ(octal(h, 148, 8), sum) << "header checksum";
    EXPECT_EQ(octal(h, 100, 8), 0644u);
    const uint64_t size = octal(h, 124, 12);
    Entry e{std::string(h.c_str()), tar.substr(pos + 512, size), octal(h, 136, 12)};
    out.push_back(e);
    pos += 512 + (size + 511) / 512 * 512;
    for (size_t i = pos - ((512 - size % 512) % 512); i < pos; ++i) EXPECT_EQ(tar[i], '\0') << "padding";
  }
}

TEST(TarWriter, FilesReadBackWithTheirNamesSizesAndTimes) {
  TarWriter w;
  const std::string big(1300, 'x');
  w.add_file("manifest.json", "{\"a\":1}\n", 1764676800);
  w.add_file("tenantd.audit_log.jsonl", big, 1764676801);
  w.add_file("empty.jsonl", "", 0);
  w.add_file("exact.jsonl", std::string(512, 'y'), 7);
  const std::string& tar = w.finish();
  EXPECT_EQ(tar.size() % 512, 0u);
  auto files = read_tar(tar);
  ASSERT_EQ(files.size(), 4u);
  EXPECT_EQ(files[0].name, "manifest.json");
  EXPECT_EQ(files[0].data, "{\"a\":1}\n");
  EXPECT_EQ(files[0].mtime, 1764676800u);
  EXPECT_EQ(files[1].name, "tenantd.audit_log.jsonl");
  EXPECT_EQ(files[1].data, big);
  EXPECT_EQ(files[2].data, "");
  EXPECT_EQ(files[3].data.size(), 512u);
  // 4 headers + 1 + 3 + 0 + 1 data blocks + 2 end blocks
  EXPECT_EQ(tar.size(), (4 + 1 + 3 + 0 + 1 + 2) * 512u);
}

TEST(TarWriter, HeaderFieldsAreOctalWithTheChecksumInGnuForm) {
  const std::string h = tar_header("a.jsonl", 10, 8);
  ASSERT_EQ(h.size(), 512u);
  EXPECT_EQ(h.substr(100, 8), std::string("0000644\0", 8));
  EXPECT_EQ(h.substr(124, 12), std::string("00000000012\0", 12));
  EXPECT_EQ(h.substr(136, 12), std::string("00000000010\0", 12));
  EXPECT_EQ(h[154], '\0');
  EXPECT_EQ(h[155], ' ');
}

TEST(TarWriter, RefusesNamesTheFormatOrAReaderWouldMisread) {
  TarWriter w;
  for (const std::string& bad :
       {std::string(), std::string(101, 'a'), std::string("/etc/passwd"), std::string("../x"),
        std::string("a b"), std::string("a\nb"), std::string("caf\xc3\xa9")}) {
    EXPECT_THROW(w.add_file(bad, "x", 0), TarError) << bad;
  }
  EXPECT_NO_THROW(w.add_file(std::string(100, 'a'), "x", 0));
  EXPECT_THROW(w.add_file("t", "x", -1), TarError);
  w.finish();
  EXPECT_THROW(w.add_file("late", "x", 0), TarError);
}

}  // namespace
