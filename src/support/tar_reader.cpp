// SPDX-License-Identifier: Apache-2.0
#include "support/tar_reader.h"

#include <string>

namespace portable_ld {

llvm::Expected<std::map<std::string, llvm::StringRef>> read_tar(llvm::StringRef data) {
  std::map<std::string, llvm::StringRef> entries;
  std::string pax_path;
  if (data.size() < 512) {
    return llvm::createStringError(std::errc::invalid_argument,
                                   "not a tar archive, or truncated (at byte 0)");
  }
  for (size_t offset = 0; offset + 512 <= data.size();) {
    llvm::StringRef header = data.substr(offset, 512);
    if (header.find_first_not_of('\0') == llvm::StringRef::npos) {
      break; // the end-of-archive blocks
    }
    auto field = [&](size_t at, size_t size) {
      return header.substr(at, size).split('\0').first;
    };
    unsigned long long size = 0;
    if (field(257, 5) != "ustar" || field(124, 12).trim(" ").getAsInteger(8, size) ||
        offset + 512 + size > data.size()) {
      return llvm::createStringError(std::errc::invalid_argument,
                                     "not a tar archive, or truncated (at byte %zu)", offset);
    }
    llvm::StringRef body = data.substr(offset + 512, size);
    char type = header[156];
    std::string name = field(0, 100).str();
    if (field(257, 5) == "ustar" && !field(345, 155).empty()) {
      name = (field(345, 155) + "/" + name).str();
    }
    if (type == 'x') {
      for (llvm::StringRef rest = body; !rest.empty();) {
        auto [record, next] = rest.split('\n');
        rest = next;
        llvm::StringRef value = record.split(' ').second;
        if (value.consume_front("path=")) {
          pax_path = value.str();
        }
      }
    } else {
      if (!pax_path.empty()) {
        name = std::move(pax_path);
        pax_path.clear();
      }
      if (type == '0' || type == '\0') {
        entries[name] = body;
      }
    }
    offset += 512 + (size + 511) / 512 * 512;
  }
  return entries;
}

} // namespace portable_ld
