// SPDX-License-Identifier: Apache-2.0
#include "judge/judge.h"
#include "support/quoting.h"
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

// Which packages bring C code into a Go program, as a note; empty when none or unknown.
std::string cgo_note(const GoBinary &go) {
  if (!go.cgo_packages || go.cgo_packages->empty()) {
    return "";
  }
  if (go.only_standard_cgo()) {
    return fmt::format("its only C code is the standard library's ({}): CGO_ENABLED=0 or "
                       "-tags netgo,osusergo gives a binary with no C at all",
                       fmt::join(*go.cgo_packages, ", "));
  }
  return fmt::format("packages with C code: {}", fmt::join(*go.cgo_packages, ", "));
}

// `notes`, and for a Go program which packages bring C code.
std::vector<std::string> with_cgo_note(const Verdict &verdict, std::vector<std::string> notes) {
  if (verdict.go) {
    if (std::string note = cgo_note(*verdict.go); !note.empty()) {
      notes.push_back(std::move(note));
    }
  }
  return notes;
}

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
  if (std::string note = cgo_note(go); !note.empty()) {
    notes.push_back(std::move(note));
  }
  std::string without_cgo = go.builds_without_cgo()
                                ? "; CGO_ENABLED=0 links pure Go statically"
                                : "";
  if (go.linker == GoLinker::Internal || ldflags_static_request_ignored(go)) {
    hint = "build with -ldflags '-linkmode=external -extld=portable-ld' and "
           "PORTABLE_LD_STATIC=1, or with -toolexec=portable-ld, which forces it" +
           without_cgo;
  }
}

// The newest version of `family` among the (weak or non-weak) versioned symbols.
std::string newest_versions_of(const Verdict &verdict, const std::string &family, bool weak) {
  std::string newest;
  for (const VersionedSymbol &symbol : verdict.versioned) {
    SymbolVersion version = split_symbol_version(symbol.version);
    if (symbol.weak == weak && version.family == family &&
        (newest.empty() || compare_versions(version.version, newest) > 0)) {
      newest = std::string(version.version);
    }
  }
  return newest;
}

// How to meet a glibc floor. Static linking only where it would not pin the program to
// this glibc instead (verify/glibc_hazards.h): not when it calls getaddrinfo or dlopen.
std::string floor_hint(const Verdict &verdict) {
  std::string hint = "link against an older glibc and libstdc++ (a sysroot or container of "
                     "the oldest target)";
  std::vector<std::string_view> pinning;
  bool lookups = false;
  for (std::string_view symbol : verdict.undefined) {
    lookups |= is_presence_hazard(symbol) && hazard_kind_of(symbol) == HazardKind::Nss;
    if (is_hazard_function(symbol) &&
        std::find(pinning.begin(), pinning.end(), symbol) == pinning.end()) {
      pinning.push_back(symbol);
    }
  }
  if (pinning.empty()) {
    return hint + ", or link statically (PORTABLE_LD_STATIC=1)";
  }
  std::sort(pinning.begin(), pinning.end());
  return fmt::format("{}; linking statically would not help: it calls {}, which would pin a "
                     "static image to this glibc{}",
                     hint, fmt::join(pinning, ", "),
                     verdict.go && lookups ? " (for Go's net and os/user, -tags netgo,osusergo avoid it)"
                                           : "");
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
      families.emplace_back(version.family);
    }
    std::string key = fmt::format("{} ({})", symbol.version, symbol.library);
    auto group = std::find_if(groups.begin(), groups.end(),
                              [&](const auto &entry) { return entry.first == key; });
    // A requirement no symbol uses still counts: the loader checks every one.
    std::string_view name = symbol.symbol.empty()
                                ? std::string_view("no symbol, the loader checks the version")
                                : symbol.symbol;
    if (group == groups.end()) {
      groups.emplace_back(key, name);
    } else {
      group->second.append(", ").append(name);
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
    violations.push_back({fmt::format("'{}': needs {}, newer than {} allows", verdict.path,
                                      fmt::join(needs, ", "), policy_name(policy)),
                          with_cgo_note(verdict, std::move(notes)), floor_hint(verdict)});
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
    std::vector<std::string> allowed;
    for (const std::string &library : *policy.allowed_libs) {
      allowed.push_back(abbreviate(library));
    }
    violations.push_back(
        {fmt::format("'{}': needs libraries that {} does not allow: {}", verdict.path,
                     policy_name(policy), fmt::join(outside, ", ")),
         {fmt::format("allowed: {}", fmt::join(allowed, ", "))},
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

// How to avoid each hazard, true for this image: by kind, and by who calls the function.
std::string hazard_fixes(const Verdict &verdict) {
  std::vector<std::string> fixes;
  auto add = [&](std::string fix) {
    if (std::find(fixes.begin(), fixes.end(), fix) == fixes.end()) {
      fixes.push_back(std::move(fix));
    }
  };
  for (const Hazard &hazard : verdict.hazards) {
    switch (hazard.kind()) {
    case HazardKind::Nss:
      if (hazard.package == "net") {
        add("for net, build with -tags netgo (or GODEBUG=netdns=go)");
      } else if (hazard.package == "os/user") {
        add("for os/user, build with -tags osusergo");
      } else if (verdict.uses_libstdcxx) {
        add("for the lookups, link dynamically with a glibc floor (PORTABLE_LD_MAX_GLIBC); "
            "musl-gcc cannot build it, having no C++ library");
      } else {
        add("for the lookups in C, link with musl (musl-gcc, package musl-tools), which "
            "has no NSS");
      }
      break;
    case HazardKind::Dlopen:
      add(fmt::format("dlopen{} cannot be made portable in a static glibc image: link "
                      "dynamically with a glibc floor (PORTABLE_LD_MAX_GLIBC), or drop the "
                      "library it loads",
                      hazard.package.empty() ? "" : " (" + hazard.package + ")"));
      break;
    case HazardKind::Iconv:
      if (hazard.package == "libstdc++") {
        add("libstdc++ calls iconv_open only for a named locale (std::locale(\"...\")) "
            "whose numeric punctuation is multibyte: a program that keeps the \"C\" locale "
            "never loads a gconv module");
      } else {
        add("iconv_open loads a gconv module for every charset but UTF-8, UTF-16/32, "
            "UCS-2/4 and ASCII, which glibc converts itself: convert the others another "
            "way, or link dynamically");
      }
      break;
    }
  }
  return fmt::format("{}", fmt::join(fixes, "; "));
}

// What the hazards do, in one note, naming the objects they load.
std::string hazard_consequence(const Verdict &verdict) {
  std::vector<std::string> objects;
  for (HazardKind kind : {HazardKind::Nss, HazardKind::Iconv, HazardKind::Dlopen}) {
    if (std::any_of(verdict.hazards.begin(), verdict.hazards.end(),
                    [&](const Hazard &hazard) { return hazard.kind() == kind; })) {
      objects.push_back(kind == HazardKind::Nss     ? "NSS modules (libnss_*.so)"
                        : kind == HazardKind::Iconv ? "gconv modules"
                                                    : "the libraries it dlopens");
    }
  }
  return fmt::format("{} link against the running system's libc.so.6: where glibc is not {}, "
                     "the process aborts when one is loaded (_dl_call_libc_early_init: "
                     "Assertion 'sym != NULL' failed)",
                     fmt::join(objects, ", "),
                     verdict.glibc_version.empty() ? "the one it was linked with"
                                                   : verdict.glibc_version);
}

// libstdc++'s iconv_open is called only for some named locales: a hazard worth a warning,
// not proof that the program leaves its glibc.
bool only_libstdcxx_iconv(const std::vector<Hazard> &hazards) {
  return std::all_of(hazards.begin(), hazards.end(), [](const Hazard &hazard) {
    return hazard.kind() == HazardKind::Iconv && hazard.package == "libstdc++";
  });
}

// A static glibc image that still loads glibc's shared objects, under a static request.
void judge_hazards(const Verdict &verdict, const Requirements &requirements,
                   std::vector<Violation> &violations) {
  violations.push_back(
      {fmt::format("'{}': static, but loads glibc's shared objects at run time: {}",
                   verdict.path, describe(verdict.hazards)),
       with_cgo_note(verdict, {hazard_consequence(verdict)}),
       hazard_fixes(verdict),
       requirements.nss == NssPolicy::Error,
       requirements.nss_setting});
}

// A glibc floor on a static image pinned to one glibc: met only by that very version.
// Returns whether it failed the image (a fatal violation); libstdc++'s iconv_open alone
// gets a warning, and only when `warn_libstdcxx` (no hazard warning says it already).
bool judge_pinned_floor(const Verdict &verdict, const PortabilityPolicy &policy,
                        bool warn_libstdcxx, std::vector<Violation> &violations) {
  auto floor = std::find_if(policy.max_versions.begin(), policy.max_versions.end(),
                            [](const FamilyVersion &limit) { return limit.family == "GLIBC"; });
  if (floor == policy.max_versions.end() ||
      (!verdict.glibc_version.empty() &&
       compare_versions(verdict.glibc_version, floor->version) == 0)) {
    return false;
  }
  std::string pinned = verdict.glibc_version.empty() ? "the glibc it was linked with"
                                                     : "glibc " + verdict.glibc_version;
  if (only_libstdcxx_iconv(verdict.hazards)) {
    if (!warn_libstdcxx) {
      return false;
    }
    violations.push_back(
        {fmt::format("'{}': static; {}'s GLIBC {} holds unless it loads a gconv module, "
                     "which pins it to {}: {}",
                     verdict.path, policy_name(policy), floor->version, pinned,
                     describe(verdict.hazards)),
         {hazard_consequence(verdict)},
         hazard_fixes(verdict),
         false});
    return false;
  }
  violations.push_back(
      {fmt::format("'{}': static, but pinned to glibc {}, so {}'s GLIBC {} is not met",
                   verdict.path,
                   verdict.glibc_version.empty() ? "as linked (version not in the image)"
                                                 : verdict.glibc_version,
                   policy_name(policy), floor->version),
       with_cgo_note(verdict, {fmt::format("it loads glibc's shared objects at run time: {}",
                                           describe(verdict.hazards)),
                               hazard_consequence(verdict)}),
       hazard_fixes(verdict)});
  return true;
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
  // A static image with hazards is pinned to its glibc: a glibc floor fails it, whatever
  // the NSS policy but `ignore` (the user's word that the program never reaches them);
  // otherwise a static request gets the hazard warning (or error) of its own.
  bool pinned = verdict.is_static() && !verdict.hazards.empty() &&
                requirements.nss != NssPolicy::Ignore;
  bool hazard_judged = pinned && requirements.static_required;
  bool floor_failed =
      pinned && judge_pinned_floor(verdict, requirements.portability,
                                   /*warn_libstdcxx=*/!hazard_judged, violations);
  if (hazard_judged && !floor_failed) {
    judge_hazards(verdict, requirements, violations);
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
                                 origin.c_str(), abbreviate(raw).c_str());
}

} // namespace portable_ld
