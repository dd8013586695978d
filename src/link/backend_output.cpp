// SPDX-License-Identifier: Apache-2.0
#include "link/backend_output.h"

#include <regex>

#include <fmt/format.h>

#include "support/version.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"

namespace portable_ld {

StaticFailure explain_static_failure(const std::string &stderr_text,
                                     const std::vector<std::string> &library_directories) {
  std::smatch match;
  // GNU ld and gold say "cannot find -lfoo", lld "unable to find library -lfoo"; lld
  // does not quote the dynamic object's name.
  static const std::regex k_missing_library(R"((?:cannot find|unable to find library) -l([^\s:]+))");
  static const std::regex k_dynamic_object(
      R"(attempted static link of dynamic object [`'"]?([^'`"\s]+))");
  if (std::regex_search(stderr_text, match, k_missing_library)) {
    std::string library = match[1];
    if (library == "c") {
      return {"the linker found no static C library (libc.a)",
              "install libc6-dev (glibc's libc.a), or link with musl-gcc (package musl-tools)"};
    }
    std::string reason =
        "the linker found no static archive for -l" + library + " (lib" + library + ".a)";
    for (const std::string &directory : library_directories) {
      std::string shared = directory + "/lib" + library + ".so";
      if (llvm::sys::fs::exists(shared)) {
        return {reason,
                fmt::format("{} is installed, but no lib{}.a: Debian ships no static archive "
                            "of it, so this program cannot be linked statically while it "
                            "uses it; link dynamically (drop the static request) with a "
                            "glibc floor (PORTABLE_LD_MAX_GLIBC), or build that library as a "
                            "static archive yourself",
                            shared, library)};
      }
    }
    return {reason, "install the package that ships lib" + library +
                        ".a (usually its -dev package), or drop the static request for this "
                        "link"};
  }
  if (std::regex_search(stderr_text, match, k_dynamic_object)) {
    return {fmt::format("'{}' is a shared library and cannot be linked statically",
                        match[1].str()),
            "link its static archive (.a) instead"};
  }
  return {"the backend rejected the static link",
          "the command line was rewritten for static linking; 'changes' in the log shows "
          "how, and a link without the static request shows whether it fails anyway"};
}

std::string without_driver_echo(const std::string &output) {
  std::string said;
  llvm::StringRef rest = output;
  while (!rest.empty()) {
    auto [line, next] = rest.split('\n');
    rest = next;
    if (line.startswith(" ") || line.startswith("COLLECT_GCC_OPTIONS=")) {
      continue;
    }
    said.append(line.data(), line.size()).push_back('\n');
  }
  return said;
}

// cmd/go keys its cache of cgo builds (and, from Go 1.21, of flag probes) on the line of
// `cc -###` output that names the compiler version. A different backend or static
// policy must give a different line, or Go would reuse objects and probe answers made
// under another configuration: so portable-ld appends its own identity to that line.
// (Go takes the first line whose second or third word is "version".)
std::string stamp_compiler_id(const std::string &output, const Config &config) {
  std::string stamped;
  bool done = false;
  for (llvm::StringRef rest = output; !rest.empty();) {
    auto [line, tail] = rest.split('\n');
    bool had_newline = rest.size() > line.size();
    rest = tail;
    stamped += line.str();
    if (!done) {
      llvm::SmallVector<llvm::StringRef, 4> words;
      line.split(words, ' ', 3, /*KeepEmpty=*/false);
      if ((words.size() > 1 && words[1] == "version") ||
          (words.size() > 2 && words[2] == "version")) {
        stamped += fmt::format(" [portable-ld {}: {}{}]", k_version,
                               fmt::join(config.backend, " "),
                               config.static_requested ? ", static" : "");
        done = true;
      }
    }
    if (had_newline) {
      stamped += '\n';
    }
  }
  return stamped;
}

// Arguments in the link that can turn -static back into a dynamic link.
std::optional<std::string> dynamic_culprit(const std::vector<std::string> &args) {
  for (const std::string &arg : args) {
    llvm::StringRef ref = arg;
    if (ref == "-Wl,-Bdynamic" || ref == "-Wl,-dy" || ref == "-Wl,-call_shared" ||
        ref == "-shared-libgcc" || ref.endswith(".so") || ref.contains(".so.")) {
      return arg;
    }
  }
  return std::nullopt;
}

std::optional<std::string> goarch_of_triple(const std::string &triple) {
  llvm::StringRef arch = llvm::StringRef(triple).trim().split('-').first;
  if (arch == "x86_64") {
    return llvm::StringRef(triple).contains("gnux32") ? "x32" : "amd64";
  }
  // Apple's clang says arm64 (arm64e for its pointer-authenticating variant), before the
  // 32-bit "arm*" below could take it.
  if (arch == "aarch64" || arch.startswith("arm64")) {
    return "arm64";
  }
  if (arch == "i386" || arch == "i486" || arch == "i586" || arch == "i686") {
    return "386";
  }
  if (arch.startswith("arm")) {
    return "arm";
  }
  if (arch == "riscv64" || arch == "s390x" || arch == "ppc64le" || arch == "loongarch64") {
    return arch == "loongarch64" ? "loong64" : arch.str();
  }
  if (arch == "powerpc64le") {
    return "ppc64le";
  }
  if (arch == "powerpc64") {
    return "ppc64";
  }
  if (arch == "mips64el" || arch == "mipsel" || arch == "mips64" || arch == "mips") {
    return arch.endswith("el") ? (arch.drop_back(2) + "le").str() : arch.str();
  }
  return std::nullopt;
}

} // namespace portable_ld
