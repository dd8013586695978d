// SPDX-License-Identifier: Apache-2.0
//
// libFuzzer entry: the whole of `check` on one input, as a file on disk reaches it:
// identify, the header guards, LLVM's readers and portable-ld's (ELF, Mach-O, PE/COFF),
// the Go facts, glibc's hazards, the verdict, its judgement against a static
// requirement, a GOARCH and the manylinux2014 policy, the JSON and the terminal text.
// Any crash, sanitizer report, failed assertion, leak, timeout or out-of-memory is a
// finding (see tests/fuzz/README.md), and so is JSON that does not parse back or
// escaped text that could still drive a terminal.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <sys/mman.h>
#include <unistd.h>

#include "judge/judge.h"
#include "judge/portability_policy.h"
#include "render_json.h"
#include "support/buffer_pool.h"
#include "support/quoting.h"
#include "verify/verify.h"

#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/MemoryBuffer.h"

namespace {

portable_ld::Requirements requirements() {
  portable_ld::Requirements requirements;
  requirements.static_required = true;
  requirements.goarch = "amd64";
  if (auto policy = portable_ld::portability_preset("manylinux2014", "fuzz")) {
    requirements.portability = std::move(*policy);
  } else {
    llvm::consumeError(policy.takeError());
  }
  return requirements;
}

// The terminal text's promise (support/quoting.h): no C0, DEL or C1 control character,
// and valid UTF-8, whatever the file holds. A string that breaks it is a finding.
void append_escaped(std::string &text, std::string_view raw) {
  std::string escaped = portable_ld::escape_control(raw);
  auto *start = reinterpret_cast<const llvm::UTF8 *>(escaped.data());
  bool control = false;
  for (size_t i = 0; i < escaped.size(); ++i) {
    auto byte = static_cast<unsigned char>(escaped[i]);
    auto next = i + 1 < escaped.size() ? static_cast<unsigned char>(escaped[i + 1]) : 0;
    control |= byte < 0x20 || byte == 0x7f || (byte == 0xc2 && next >= 0x80 && next < 0xa0);
  }
  if (control || !llvm::isLegalUTF8String(&start, start + escaped.size())) {
    std::fprintf(stderr, "escape_control left a control character or bad UTF-8\n");
    std::abort();
  }
  text += escaped;
}

// The verdict's JSON, or the error's text.
std::string describe(llvm::Expected<portable_ld::Verdict> verdict) {
  return verdict ? portable_ld_fuzz::render_json(*verdict)
                 : "error: " + llvm::toString(verdict.takeError());
}

// The input as a file, read in parts into memory that held the earlier inputs
// (verify/elf_parts.h) and read whole: a different verdict means that a reader used a
// byte the parts left out.
void compare_parts_with_whole(const uint8_t *data, size_t size) {
  static const auto pool = portable_ld::BufferPool::create();
  int fd = ::memfd_create("input", MFD_CLOEXEC);
  if (fd < 0 || ::write(fd, data, size) != static_cast<ssize_t>(size)) {
    std::perror("memfd");
    std::abort();
  }
  std::string path = "/proc/self/fd/" + std::to_string(fd);
  std::string parts = describe(portable_ld::inspect_file(path, portable_ld::SymbolDetail::Full,
                                                         pool.get()));
  std::string whole = describe(portable_ld::inspect_file(path));
  ::close(fd);
  if (parts != whole) {
    std::fprintf(stderr, "read in parts:\n%s\nread whole:\n%s\n", parts.c_str(),
                 whole.c_str());
    std::abort();
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  compare_parts_with_whole(data, size);
  static const portable_ld::Requirements asked = requirements();
  // A copy, so that a read past the input is a heap overflow that ASan sees.
  std::unique_ptr<llvm::MemoryBuffer> buffer = llvm::MemoryBuffer::getMemBufferCopy(
      llvm::StringRef(reinterpret_cast<const char *>(data), size), "input");
  llvm::Expected<portable_ld::Verdict> verdict =
      portable_ld::inspect_buffer(std::move(buffer), "input");
  std::string text;
  if (!verdict) {
    append_escaped(text, llvm::toString(verdict.takeError()));
    return 0;
  }
  std::vector<portable_ld::Violation> violations = portable_ld::judge(*verdict, asked);
  text = portable_ld_fuzz::render_json(*verdict);
  for (const portable_ld::Violation &violation : violations) {
    append_escaped(text, violation.message);
    for (const std::string &note : violation.notes) {
      append_escaped(text, note);
    }
    append_escaped(text, violation.hint);
  }
  for (std::string_view symbol : verdict->undefined) {
    append_escaped(text, symbol);
  }
  return 0;
}
