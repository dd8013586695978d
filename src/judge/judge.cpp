// SPDX-License-Identifier: Apache-2.0
#include "judge/judge.h"
#include "verify/glibc_hazards.h"

#include <fmt/format.h>

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/ErrorHandling.h"

namespace portable_ld {

namespace {

// The format's own names for the loader and the libraries it loads.
struct EvidenceLabels {
  const char *interpreter;
  const char *needed;
};
EvidenceLabels evidence_labels(Format format) {
  switch (format) {
  case Format::Elf:
    return {"PT_INTERP", "NEEDED"};
  case Format::MachO:
    return {"LC_LOAD_DYLINKER", "LC_LOAD_DYLIB"};
  case Format::Coff:
    return {"PT_INTERP", "imports"}; // PE has no interpreter
  }
  llvm_unreachable("unknown Format");
}

} // namespace

std::string dynamic_evidence(const Verdict &verdict) {
  EvidenceLabels labels = evidence_labels(verdict.format);
  std::vector<std::string> parts;
  if (!verdict.interpreter.empty()) {
    parts.push_back(fmt::format("{} '{}'", labels.interpreter, verdict.interpreter));
  }
  if (!verdict.needed.empty()) {
    parts.push_back(fmt::format("{} {}", labels.needed, fmt::join(verdict.needed, ", ")));
  }
  if (parts.empty()) {
    parts.push_back(fmt::format("{} image", verdict.kind_name()));
  }
  return fmt::format("{}", fmt::join(parts, "; "));
}

namespace {

// Why a Go binary came out dynamic when a static one was asked for: the fake-static trap.
void explain_dynamic_go_binary(const GoBinary &go, std::vector<std::string> &notes,
                               std::string &hint) {
  if (go.linker == GoLinker::Internal) {
    notes.push_back(fmt::format("linked by Go's internal linker ({}): Go never ran an "
                                "external linker, so -extldflags were not used",
                                go.linker_evidence));
  }
  if (ldflags_static_request_ignored(go)) {
    notes.push_back(fmt::format("its -ldflags ask for -extldflags -static without "
                                "-linkmode=external, which internal linking ignores "
                                "silently: -ldflags '{}'",
                                *go.setting("-ldflags")));
  }
  if (go.linker == GoLinker::Internal || ldflags_static_request_ignored(go)) {
    hint = "build with -ldflags '-linkmode=external -extld=portable-ld' and "
           "PORTABLE_LD_STATIC=1, or with -toolexec=portable-ld, which forces it; "
           "CGO_ENABLED=0 links pure Go statically";
  }
}

// The newest version of `family` among the (weak or non-weak) versioned symbols.
std::string newest_versions_of(const Verdict &verdict, const std::string &family, bool weak) {
  std::string newest;
  for (const VersionedSymbol &symbol : verdict.versioned) {
    SymbolVersion version = split_symbol_version(symbol.version);
    if (symbol.weak == weak && version.family == family &&
        (newest.empty() || compare_versions(version.version, newest) > 0)) {
      newest = version.version;
    }
  }
  return newest;
}

std::string policy_name(const PortabilityPolicy &policy) {
  return policy.preset.empty() ? "the policy" : "policy " + policy.preset;
}

// Symbols whose version is newer than the policy allows, grouped by version: one note
// per version, "GLIBC_2.34 (libc.so.6): __libc_start_main, pthread_create". Those of
// optional (VER_FLG_WEAK) requirements (`weak`) make a warning of their own.
void judge_versions(const Verdict &verdict, const PortabilityPolicy &policy, bool weak,
                    std::vector<Violation> &violations) {
  std::vector<std::string> families;
  std::vector<std::string> notes;
  std::vector<std::pair<std::string, std::string>> groups; // "GLIBC_2.34 (libc.so.6)", names
  for (const VersionedSymbol &symbol : verdict.versioned) {
    if (symbol.weak != weak) {
      continue;
    }
    SymbolVersion version = split_symbol_version(symbol.version);
    auto limit = std::find_if(policy.max_versions.begin(), policy.max_versions.end(),
                              [&](const FamilyVersion &entry) {
                                return entry.family == version.family;
                              });
    if (limit == policy.max_versions.end() ||
        compare_versions(version.version, limit->version) <= 0) {
      continue;
    }
    if (std::find(families.begin(), families.end(), version.family) == families.end()) {
      families.push_back(version.family);
    }
    std::string key = fmt::format("{} ({})", symbol.version, symbol.library);
    auto group = std::find_if(groups.begin(), groups.end(),
                              [&](const auto &entry) { return entry.first == key; });
    if (group == groups.end()) {
      groups.emplace_back(key, symbol.symbol);
    } else {
      group->second += ", " + symbol.symbol;
    }
  }
  if (groups.empty()) {
    return;
  }
  std::sort(groups.begin(), groups.end(), [](const auto &a, const auto &b) {
    SymbolVersion x = split_symbol_version(llvm::StringRef(a.first).split(' ').first);
    SymbolVersion y = split_symbol_version(llvm::StringRef(b.first).split(' ').first);
    return x.family != y.family ? x.family < y.family
                                : compare_versions(x.version, y.version) > 0;
  });
  for (const auto &[key, names] : groups) {
    notes.push_back(fmt::format("{}: {}", key, names));
  }
  // "GLIBC 2.34 (allowed: 2.17), GLIBCXX 3.4.22 (allowed: 3.4.19)", in family order.
  std::vector<std::string> needs;
  for (const FamilyVersion &limit : policy.max_versions) {
    if (std::find(families.begin(), families.end(), limit.family) != families.end()) {
      needs.push_back(fmt::format("{} {} (allowed: {})", limit.family,
                                  newest_versions_of(verdict, limit.family, weak),
                                  limit.version));
    }
  }
  if (weak) {
    violations.push_back(
        {fmt::format("'{}': optional (weak) version requirements newer than {} allows: {}",
                     verdict.path, policy_name(policy), fmt::join(needs, ", ")),
         std::move(notes),
         "the loader starts the program without them (VER_FLG_WEAK); the program must "
         "check those symbols before use",
         false});
  } else {
    violations.push_back(
        {fmt::format("'{}': needs {}, newer than {} allows", verdict.path,
                     fmt::join(needs, ", "), policy_name(policy)),
         std::move(notes),
         "link against an older glibc and libstdc++ (a sysroot or container of the oldest "
         "target), or link statically (PORTABLE_LD_STATIC=1)"});
  }
}

// Needed libraries off the policy's list.
void judge_libraries(const Verdict &verdict, const PortabilityPolicy &policy,
                     std::vector<Violation> &violations) {
  if (!policy.allowed_libs) {
    return;
  }
  std::vector<std::string> outside;
  for (const std::string &library : verdict.needed) {
    if (std::find(policy.allowed_libs->begin(), policy.allowed_libs->end(), library) ==
        policy.allowed_libs->end()) {
      outside.push_back(library);
    }
  }
  if (!outside.empty()) {
    violations.push_back(
        {fmt::format("'{}': needs libraries that {} does not allow: {}", verdict.path,
                     policy_name(policy), fmt::join(outside, ", ")),
         {fmt::format("allowed: {}", fmt::join(*policy.allowed_libs, ", "))},
         "link them from static archives, or add them to PORTABLE_LD_ALLOW_LIBS "
         "(check: --allow-libs)"});
  }
}

void judge_portability(const Verdict &verdict, const PortabilityPolicy &policy,
                       std::vector<Violation> &violations) {
  judge_versions(verdict, policy, /*weak=*/false, violations);
  judge_versions(verdict, policy, /*weak=*/true, violations);
  judge_libraries(verdict, policy, violations);
}

// What a file that is not a linked image is, and where the image is.
const char *not_an_image_hint(ImageKind kind) {
  switch (kind) {
  case ImageKind::DebugCompanion:
  case ImageKind::DsymCompanion:
    return "a separate debug file only describes an image: check the image itself";
  case ImageKind::Core:
    return "a core dump is a process's memory, not a program: check the program itself";
  case ImageKind::Executable:
  case ImageKind::PieExecutable:
  case ImageKind::SharedLibrary:
  case ImageKind::Bundle:
  case ImageKind::Relocatable:
  case ImageKind::Other:
    break;
  }
  return "a final link must produce an executable; -r or -c makes an object file";
}

// A static request whose output is dynamic, or no linked image at all.
void judge_static(const Verdict &verdict, std::vector<Violation> &violations) {
  if (verdict.linkage == Linkage::None) {
    violations.push_back({fmt::format("'{}': static link requested but the file is a {} "
                                      "file, not a linked image",
                                      verdict.path, verdict.kind_name()),
                          {},
                          not_an_image_hint(verdict.kind)});
    return;
  }
  // ELF gets its hint from the caller, who knows whether a link or a Go build is to
  // blame; the Mach-O and PE meaning of "static" needs saying here.
  std::string hint;
  switch (verdict.format) {
  case Format::Elf:
    break;
  case Format::MachO:
    hint = "Apple supports no static executables: an image counts as static when it "
           "loads only macOS's own dylibs (/usr/lib, /System/Library); link the others "
           "from static archives";
    break;
  case Format::Coff:
    hint = "an image counts as static when it imports only Windows system DLLs; link "
           "the others from static archives (MinGW: -static) or ship them beside it";
    break;
  }
  if (verdict.kind == ImageKind::SharedLibrary || verdict.kind == ImageKind::Bundle) {
    hint = "a shared library is always dynamically linked; a static request needs an "
           "executable";
  }
  std::vector<std::string> notes{dynamic_evidence(verdict)};
  if (verdict.go) {
    explain_dynamic_go_binary(*verdict.go, notes, hint);
  }
  violations.push_back(
      {fmt::format("'{}': static link requested but output is dynamically linked",
                   verdict.path),
       std::move(notes), std::move(hint)});
}

// A static glibc image that still loads glibc's shared NSS or iconv modules.
void judge_nss(const Verdict &verdict, const Requirements &requirements,
               std::vector<Violation> &violations) {
  std::vector<std::string> fixes;
  bool other = false;
  for (const Hazard &hazard : verdict.hazards) {
    std::string fix = hazard.package == "net"       ? "-tags netgo (or GODEBUG=netdns=go) for net"
                      : hazard.package == "os/user" ? "-tags osusergo for os/user"
                                                    : "";
    if (fix.empty()) {
      other = true;
    } else if (std::find(fixes.begin(), fixes.end(), fix) == fixes.end()) {
      fixes.push_back(std::move(fix));
    }
  }
  std::string hint = fixes.empty() ? "" : fmt::format("build with {}", fmt::join(fixes, ", "));
  if (other) {
    hint += std::string(hint.empty() ? "" : "; ") +
            "link with musl (musl-gcc, package musl-tools), which has no NSS";
  }
  violations.push_back(
      {fmt::format("'{}': static, but still needs glibc's shared libraries at run time: {}",
                   verdict.path, describe(verdict.hazards)),
       {"glibc's NSS (name, user and group lookups) and iconv load shared modules of the "
        "glibc version used for linking; on another system these calls fail"},
       std::move(hint), requirements.nss == NssPolicy::Error, requirements.nss_setting});
}

// A static, externally linked Go executable without runtime/cgo crashes at startup.
void judge_runtime_cgo(const Verdict &verdict, std::vector<Violation> &violations) {
  violations.push_back(
      {fmt::format("'{}': Go program linked externally without runtime/cgo: it crashes at "
                   "startup",
                   verdict.path),
       {"an externally linked Go program starts its threads through runtime/cgo; Go "
        "before 1.21 links it only when some package uses cgo (with -tags "
        "netgo,osusergo none may), and says 'loadinternal: cannot find runtime/cgo'",
        fmt::format("evidence: linker {} ({}); none of runtime/cgo's messages in .rodata",
                    to_string(verdict.go->linker), verdict.go->linker_evidence)},
       "add import _ \"runtime/cgo\" to package main (or through go build -overlay), "
       "build with Go >= 1.21, or build with -toolexec=portable-ld, which adds it"});
}

void judge_goarch(const Verdict &verdict, const std::string &goarch,
                  std::vector<Violation> &violations) {
  violations.push_back(
      {fmt::format("'{}': output is for {} but GOARCH is {}", verdict.path, verdict.arch,
                   goarch),
       {fmt::format("file format {}", verdict.format_name)},
       fmt::format("set PORTABLE_LD_CC to a C compiler that targets {}", goarch)});
}

} // namespace

std::vector<Violation> judge(const Verdict &verdict, const Requirements &requirements) {
  std::vector<Violation> violations;
  if (requirements.static_required && !verdict.is_static()) {
    judge_static(verdict, violations);
  }
  if (requirements.static_required && requirements.nss != NssPolicy::Ignore &&
      !verdict.hazards.empty() && verdict.is_static()) {
    judge_nss(verdict, requirements, violations);
  }
  // Only a static image dies without runtime/cgo: a dynamic one starts through libc's
  // loader and runs (tests/go/external-link-dynamic-without-runtime-cgo-runs.test), so
  // failing it would fail a link that works with plain gcc.
  if (verdict.go && verdict.go->linker == GoLinker::External &&
      verdict.go->runtime_cgo == GoBinary::RuntimeCgo::Absent && verdict.is_executable() &&
      verdict.is_static()) {
    judge_runtime_cgo(verdict, violations);
  }
  if (verdict.format == Format::Elf && verdict.linkage == Linkage::Dynamic &&
      !requirements.portability.empty()) {
    judge_portability(verdict, requirements.portability, violations);
  }
  if (requirements.goarch && !requirements.goarch->empty() &&
      verdict.linkage != Linkage::None && verdict.arch != *requirements.goarch) {
    judge_goarch(verdict, *requirements.goarch, violations);
  }
  return violations;
}

const char *to_string(NssPolicy policy) {
  switch (policy) {
  case NssPolicy::Ignore:
    return "ignore";
  case NssPolicy::Warn:
    return "warn";
  case NssPolicy::Error:
    return "error";
  }
  llvm_unreachable("unknown NssPolicy");
}

llvm::Expected<NssPolicy> parse_nss_policy(const std::string &raw, const std::string &origin) {
  std::string value = llvm::StringRef(raw).trim().lower();
  for (NssPolicy policy : {NssPolicy::Ignore, NssPolicy::Warn, NssPolicy::Error}) {
    if (value == to_string(policy)) {
      return policy;
    }
  }
  return llvm::createStringError(std::errc::invalid_argument,
                                 "%s: invalid value '%s' (expected error, warn or ignore)",
                                 origin.c_str(), raw.c_str());
}

} // namespace portable_ld
