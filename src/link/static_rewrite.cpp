// SPDX-License-Identifier: Apache-2.0
#include "link/static_rewrite.h"

#include <fmt/format.h>

#include "support/json.h"

#include "llvm/ADT/StringRef.h"

namespace portable_ld {

namespace {

// Options that make the executable export its symbols dynamically. Meaningless in a
// static link, and fatal in a clang static-pie (the binary crashes at start; see
// docs/go-extld-protocol.md, 'Static PIE').
bool is_dynamic_export(llvm::StringRef arg) {
  return arg == "-rdynamic" || arg == "-export-dynamic" || arg == "-Wl,-E" ||
         arg == "-Wl,--export-dynamic" || arg == "-Wl,-export-dynamic";
}

// -Wl,--dynamic-linker,PATH and its spellings: an interpreter for a static executable.
bool is_dynamic_linker(llvm::StringRef arg) {
  return arg.startswith("-Wl,--dynamic-linker") || arg.startswith("-Wl,-dynamic-linker") ||
         arg.startswith("-Wl,-I");
}

// The same split over several arguments: "-Wl,--dynamic-linker -Wl,PATH", "-Xlinker
// --dynamic-linker=PATH", or the option and its value in two -Xlinker pairs. Returns how
// many arguments from `i` it spans (0: none).
size_t xlinker_dynamic_linker_span(const std::vector<std::string> &args, size_t i) {
  // "-Wl,--dynamic-linker -Wl,PATH": the option and its value in two -Wl, arguments.
  if ((args[i] == "-Wl,--dynamic-linker" || args[i] == "-Wl,-dynamic-linker" ||
       args[i] == "-Wl,-I") &&
      i + 1 < args.size() && llvm::StringRef(args[i + 1]).startswith("-Wl,")) {
    return 2;
  }
  if (args[i] != "-Xlinker" || i + 1 >= args.size()) {
    return 0;
  }
  llvm::StringRef option = args[i + 1];
  if (option.startswith("--dynamic-linker=") || option.startswith("-dynamic-linker=")) {
    return 2;
  }
  if ((option == "--dynamic-linker" || option == "-dynamic-linker" || option == "-I") &&
      i + 3 < args.size() && args[i + 2] == "-Xlinker") {
    return 4;
  }
  return 0;
}

bool is_static_flag(llvm::StringRef arg) { return arg == "-static" || arg == "--static"; }

} // namespace

llvm::json::Object to_json(const ArgumentChange &change) {
  llvm::json::Object object{{"action", change.action}, {"reason", change.reason}};
  if (!change.from.empty()) {
    object["from"] = json_string(change.from);
  }
  if (!change.to.empty()) {
    object["to"] = json_string(change.to);
  }
  return object;
}

llvm::Expected<StaticRewrite> rewrite_for_static(const Invocation &invocation) {
  if (invocation.product == Product::SharedLibrary) {
    return llvm::createStringError(std::errc::invalid_argument,
                                   "static link requested for a shared library");
  }
  const bool pie = invocation.product == Product::PieExecutable;
  StaticRewrite rewrite;
  if (invocation.targets_darwin) {
    // Apple's linker cannot link a static executable (it rejects -static without a
    // custom crt): the request is met by verification alone, which accepts an image
    // that loads only macOS's own dylibs (verify/macho.cpp).
    rewrite.args = invocation.args;
    return rewrite;
  }
  bool has_static = false;
  const std::vector<std::string> &args = invocation.args;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string &arg = args[i];
    if (size_t span = xlinker_dynamic_linker_span(args, i)) {
      std::vector<std::string> removed(args.begin() + i, args.begin() + i + span);
      rewrite.changes.push_back({"remove", fmt::format("{}", fmt::join(removed, " ")), "",
                                 "a static executable has no dynamic linker"});
      i += span - 1;
      continue;
    }
    if (takes_separate_value(arg)) {
      // Keep an option and its value together: "-o -pie" names a file.
      rewrite.args.push_back(arg);
      if (i + 1 < args.size()) {
        rewrite.args.push_back(args[++i]);
      }
      continue;
    }
    if (pie && arg == "-pie" && has_static) {
      rewrite.changes.push_back({"remove", arg, "", "-static-pie is already there"});
    } else if (pie && arg == "-pie") {
      rewrite.args.push_back("-static-pie");
      rewrite.changes.push_back({"replace", arg, "-static-pie",
                                 "a static PIE keeps what -pie asked for; -pie with -static "
                                 "silently links a non-PIE executable"});
      has_static = true;
    } else if (pie && is_static_flag(arg)) {
      rewrite.changes.push_back(
          {"remove", arg, "", "-static beside -static-pie would link a non-PIE executable"});
    } else if (is_dynamic_export(arg)) {
      rewrite.changes.push_back(
          {"remove", arg, "", "exporting dynamic symbols contradicts a static link"});
    } else if (is_dynamic_linker(arg)) {
      rewrite.changes.push_back(
          {"remove", arg, "", "a static executable has no dynamic linker"});
    } else {
      has_static |= pie ? arg == "-static-pie" : is_static_flag(arg);
      rewrite.args.push_back(arg);
    }
  }
  if (!has_static) {
    std::string flag = pie ? "-static-pie" : "-static";
    rewrite.args.push_back(flag);
    rewrite.changes.push_back({"add", "", flag, "static link requested"});
  }
  return rewrite;
}

} // namespace portable_ld
