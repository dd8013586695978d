// SPDX-License-Identifier: Apache-2.0
//
// `portable-ld check [--static] [--json] [--goarch=ARCH] FILE...`: the verifier and the
// policy without a link. Never executes the files. One verdict per file, in text or one
// JSON object per line (the same schema as the log's "verdict").
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <iostream>
#include <map>
#include <optional>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "cli/cli.h"
#include "judge/judge_output.h"
#include "judge/portability_policy.h"
#include "provenance/package_note.h"
#include "provenance/sbom.h"
#include "support/buffer_pool.h"
#include "support/diagnostics.h"
#include "support/json.h"
#include "support/quoting.h"
#include "verify/glibc_hazards.h"
#include "verify/verdict_json.h"
#include "verify/verify.h"

#include "llvm/Support/Compiler.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Parallel.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

namespace po = boost::program_options;

namespace portable_ld {

namespace {

struct CheckOptions {
  bool require_static = false;
  bool json = false;
  bool sbom = false;
  std::string goarch;
  std::string nss = "warn";
  // The portability options by config-file key (build_portability_policy): --policy and
  // --allow-libs once each, --max-FAMILY as often as given.
  std::map<std::string, std::string> policy_once;
  std::map<std::string, std::vector<std::string>> policy_limits;
  std::vector<std::string> files;
};

// Strings from the file, made safe for a terminal (support/quoting.h); JSON escapes its own.
std::string safe(std::string_view text) { return escape_control(text); }

std::string safe_join(const std::vector<std::string> &items, std::string_view separator) {
  std::string joined;
  for (size_t i = 0; i < items.size(); ++i) {
    joined.append(i == 0 ? std::string_view() : separator).append(escape_control(items[i]));
  }
  return joined;
}

void render_go(const GoBinary &go, std::string &out) {
  if (go.has_build_info) {
    fmt::format_to(std::back_inserter(out), "  go: {}, path {}", safe(go.version), go.path.empty() ? "?" : safe(go.path));
    if (!go.main_module.empty()) {
      fmt::format_to(std::back_inserter(out), ", module {}", safe(go.main_module));
    }
    fmt::format_to(std::back_inserter(out), "\n");
    // The settings that decide linking, on one line; the rest (vcs.*, empty CGO_*) is
    // in --json.
    std::vector<std::string> shown;
    for (const GoBuildSetting &setting : go.settings) {
      bool linking = (setting.key.starts_with("-") && setting.key != "-compiler") ||
                     setting.key == "CGO_ENABLED" || setting.key == "GOOS" ||
                     setting.key == "GOARCH" ||
                     (setting.key.starts_with("CGO_") && !setting.value.empty());
      if (linking) {
        bool quote = setting.value.find_first_of(" \t'") != std::string::npos;
        shown.push_back(quote ? fmt::format("{}='{}'", safe(setting.key), safe(setting.value))
                              : fmt::format("{}={}", safe(setting.key), safe(setting.value)));
      }
    }
    if (!shown.empty()) {
      fmt::format_to(std::back_inserter(out), "  go build: {}\n", fmt::join(shown, " "));
    }
  } else {
    fmt::format_to(std::back_inserter(out), "  go: {}\n", safe(go.build_info_problem));
  }
  fmt::format_to(std::back_inserter(out), "  go linker: {}{}\n", to_string(go.linker),
             go.linker_evidence.empty() ? "" : " (" + safe(go.linker_evidence) + ")");
  if (go.runtime_cgo != GoBinary::RuntimeCgo::Unknown) {
    fmt::format_to(std::back_inserter(out), "  go runtime/cgo: {}\n",
               go.runtime_cgo == GoBinary::RuntimeCgo::Present ? "yes" : "no");
  }
  if (go.cgo_packages) {
    std::string packages = go.cgo_packages->empty()
                               ? "none"
                               : safe_join(*go.cgo_packages, ", ");
    fmt::format_to(std::back_inserter(out), "  go cgo packages: {}{}\n", packages,
               go.only_standard_cgo() ? " (the standard library's only: CGO_ENABLED=0 or -tags "
                                        "netgo,osusergo gives a binary with no C)"
                                      : "");
  }
}

// `items`, escaped and joined by `separator`, appended to `out`.
void append_safe_join(std::string &out, const std::vector<std::string> &items,
                      std::string_view separator) {
  for (size_t i = 0; i < items.size(); ++i) {
    out.append(i == 0 ? std::string_view() : separator);
    append_escaped_control(out, items[i]);
  }
}

// The verdict as text, appended to `out`. The lines every file has are appended piece by
// piece: fmt's parsing of a format string per line was a tenth of check over /usr/bin.
void render_text(const Verdict &verdict, std::string &out) {
  append_escaped_control(out, verdict.path);
  out.append(": ").append(verdict.format_name).append(", ").append(verdict.arch).append(" ");
  append_escaped_control(out, verdict.kind_name());
  out.append(", ").append(to_string(verdict.linkage)).append("\n");
  if (!verdict.interpreter.empty()) {
    out.append("  interpreter: ");
    append_escaped_control(out, verdict.interpreter);
    out.append("\n");
  }
  if (!verdict.needed.empty()) {
    out.append("  needed: ");
    append_safe_join(out, verdict.needed, ", ");
    out.append("\n");
  }
  if (!verdict.rpath.empty()) {
    fmt::format_to(std::back_inserter(out), "  rpath: {}\n", safe_join(verdict.rpath, ":"));
  }
  if (!verdict.runpath.empty()) {
    fmt::format_to(std::back_inserter(out), "  runpath: {}\n", safe_join(verdict.runpath, ":"));
  }
  if (verdict.undefined_count() != 0) {
    out.append("  undefined dynamic symbols: ")
        .append(std::to_string(verdict.undefined_count()))
        .append("\n");
  }
  if (verdict.format == Format::Elf && verdict.linkage == Linkage::Dynamic) {
    std::vector<FamilyVersion> newest = newest_versions(verdict.versioned);
    for (size_t i = 0; i < newest.size(); ++i) {
      out.append(i == 0 ? "  newest symbol versions: " : ", ");
      append_escaped_control(out, newest[i].family);
      out.append(" ");
      append_escaped_control(out, newest[i].version);
    }
    if (!newest.empty()) {
      out.append("\n");
    }
  }
  if (!verdict.hazards.empty()) {
    fmt::format_to(std::back_inserter(out), "  loads glibc's shared objects at run time: {}\n", safe(describe(verdict.hazards)));
    fmt::format_to(std::back_inserter(out), "  pinned to glibc {}\n", verdict.glibc_version.empty()
                                              ? "as linked (version not in the image)"
                                              : safe(verdict.glibc_version));
  }
  if (verdict.go) {
    render_go(*verdict.go, out);
  }
  for (const std::string &note : verdict.package_notes) {
    out.append("  package note: ");
    append_escaped_control(out, note);
    out.append("\n");
  }
  for (const std::string &warning : verdict.warnings) {
    fmt::format_to(std::back_inserter(out), "  warning: {}\n", safe(warning));
  }
}

// The verdict's JSON with the judgement: "ok", "violations" and "policy_warnings".
llvm::json::Object verdict_json(const JudgedOutput &judged) {
  llvm::json::Object object = to_json(judged.verdict);
  llvm::json::Array messages;
  llvm::json::Array warnings;
  for (const Violation &violation : judged.violations) {
    (violation.fatal ? messages : warnings).push_back(json_string(violation.message));
  }
  object["ok"] = messages.empty();
  object["violations"] = std::move(messages);
  if (!warnings.empty()) {
    object["policy_warnings"] = std::move(warnings);
  }
  return object;
}

// One JSON object and a newline, appended to `out`.
void render_json(llvm::json::Object object, std::string &out) {
  llvm::raw_string_ostream stream(out);
  stream << llvm::json::Value(std::move(object)) << '\n';
}

po::options_description visible_options(CheckOptions &options) {
  po::options_description visible("portable-ld check options");
  visible.add_options()
      ("static", po::bool_switch(&options.require_static), "fail unless every file is static or static-pie")
      ("json", po::bool_switch(&options.json), "print one JSON object per file")
      ("sbom", po::bool_switch(&options.sbom), "print the file's CycloneDX 1.5 SBOM, made of its package note and Go build information")
      ("goarch", po::value(&options.goarch), "fail unless every file is for this GOARCH")
      ("nss", po::value(&options.nss), "with --static, a static file that still needs glibc's NSS: error, warn (default) or ignore")
      ("policy", po::value(&options.policy_once["policy"]), "dynamic files: portability preset (manylinux2014, manylinux_2_28, debian12)")
      ("max-glibc", po::value(&options.policy_limits["max_glibc"]), "dynamic files: newest GLIBC_ symbol version allowed, e.g. 2.17")
      ("max-glibcxx", po::value(&options.policy_limits["max_glibcxx"]), "... newest GLIBCXX_ version (libstdc++)")
      ("max-cxxabi", po::value(&options.policy_limits["max_cxxabi"]), "... newest CXXABI_ version (libstdc++)")
      ("max-gcc", po::value(&options.policy_limits["max_gcc"]), "... newest GCC_ version (libgcc_s)")
      ("allow-libs", po::value(&options.policy_once["allow_libs"]), "dynamic files: the only libraries they may need (comma-separated), besides the preset's")
      ("help", "print this help")
      ("version", "print the version");
  return visible;
}

// Fills `options` from `args`; an exit code when there is nothing to check (--help,
// --version, a usage error).
std::optional<int> parse_options(const std::vector<std::string> &args, CheckOptions &options,
                                 Diagnostics &diagnostics) {
  // The common call, files and no option, needs no parser: boost's takes every token that
  // does not start with '-' for a file, and building its table of options took a twentieth
  // of a check of a small file (35 us of 0.75 ms, measured).
  if (!args.empty() && std::none_of(args.begin(), args.end(), [](const std::string &arg) {
        return arg.starts_with('-');
      })) {
    options.files = args;
    return std::nullopt;
  }
  po::options_description visible = visible_options(options);
  po::options_description all;
  all.add(visible).add_options()("file", po::value(&options.files));
  po::positional_options_description positional;
  positional.add("file", -1);
  po::variables_map map;
  // boost's parser takes positional arguments off the front of its vector one at a time
  // and stores each through a boost::any: quadratic in the number of files, and most of
  // the time check spent on 650 names. Each run of them goes to `leading` at once instead.
  // A lone token is left to boost: the parser asks its style parsers about one token to
  // tell whether an option's value looks like an option, and an answer there would change
  // what it accepts. Such a token is the last one, and the files after "--" follow every
  // run too, so `leading` comes first in the order given.
  std::vector<std::string> leading;
  auto take_files = [&leading](std::vector<std::string> &tokens) {
    if (tokens.size() < 2) {
      return std::vector<po::option>();
    }
    auto end = std::find_if(tokens.begin(), tokens.end(),
                            [](const std::string &token) { return token.starts_with('-'); });
    std::move(tokens.begin(), end, std::back_inserter(leading));
    tokens.erase(tokens.begin(), end);
    return std::vector<po::option>();
  };
  try {
    po::store(po::command_line_parser(args)
                  .options(all)
                  .positional(positional)
                  .extra_style_parser(take_files)
                  .style(po::command_line_style::unix_style ^ po::command_line_style::allow_guessing)
                  .run(),
              map);
    po::notify(map);
    options.files.insert(options.files.begin(), std::make_move_iterator(leading.begin()),
                         std::make_move_iterator(leading.end()));
  } catch (const po::error &e) {
    diagnostics.error("check: {}", e.what());
    diagnostics.hint("see 'portable-ld check --help'");
    return k_check_unreadable;
  }
  if (map.count("help")) {
    fmt::print("USAGE: portable-ld check [options] FILE...\n\n"
               "Describes each file (format, arch, kind, linkage, interpreter, needed\n"
               "libraries, undefined dynamic symbols) without executing it.\n\n");
    std::cout << visible << "\nEXIT CODES: 0 all pass; 1 a requirement failed; 2 a file is "
                            "unreadable or not an object file, or the command line is "
                            "invalid.\n";
    return k_check_pass;
  }
  if (map.count("version")) {
    print_version();
    return k_check_pass;
  }
  if (options.files.empty()) {
    diagnostics.error("check: no input files");
    diagnostics.hint("usage: portable-ld check [--static] [--json] [--goarch=ARCH] [--nss=POLICY] "
                     "[--policy=NAME] [--max-glibc=VERSION]... [--allow-libs=LIBS] FILE... "
                     "(portable-ld check --help lists all)");
    return k_check_unreadable;
  }
  return std::nullopt;
}

// The options as requirements, with the settings' semantics (build_portability_policy);
// an empty --policy or --allow-libs is no option.
llvm::Expected<Requirements> requirements_of(const CheckOptions &options) {
  Requirements requirements;
  requirements.static_required = options.require_static;
  llvm::Expected<NssPolicy> nss = parse_nss_policy(options.nss, "--nss");
  if (!nss) {
    return nss.takeError();
  }
  requirements.nss = *nss;
  requirements.nss_setting = "--nss";
  llvm::Expected<PortabilityPolicy> portability =
      build_portability_policy([&](llvm::StringRef key) -> std::vector<PolicySetting> {
        std::string option = "--" + key.str();
        std::replace(option.begin(), option.end(), '_', '-');
        std::vector<PolicySetting> given;
        if (auto once = options.policy_once.find(key.str()); once != options.policy_once.end()) {
          if (!once->second.empty()) {
            given.push_back({once->second, option});
          }
        }
        if (auto limits = options.policy_limits.find(key.str());
            limits != options.policy_limits.end()) {
          for (const std::string &value : limits->second) {
            given.push_back({value, option});
          }
        }
        return given;
      });
  if (!portability) {
    return portability.takeError();
  }
  requirements.portability = std::move(*portability);
  if (!options.goarch.empty()) {
    requirements.goarch = options.goarch;
  }
  return requirements;
}

// One file's verdict and judgement as check reports it: the text or JSON line for stdout,
// rendered where the file was judged, and what diagnostics need, kept only when there
// are any (a verdict holds its file's mapping until it is dropped). The judgement is on
// the heap: in place, a window of reports was a quarter of a megabyte, which took 0.13 ms
// to make before the first file was read.
struct FileReport {
  std::string out;
  std::optional<std::string> error;     // unreadable or not an object file
  std::unique_ptr<JudgedOutput> judged; // with violations
  // A mapped file's bytes, unmapped by the thread that prints while the others wait:
  // unmapping while they run sends each of their CPUs a TLB shootdown, which a virtual
  // machine feels. (Files read into memory are freed at once, for the next to reuse.)
  std::shared_ptr<VerdictStorage> storage;
};

FileReport report_file(const std::string &file, const Requirements &requirements, bool json,
                       BufferPool &pool) {
  FileReport report;
  // The text shows how many symbols are undefined and the newest versions they need.
  llvm::Expected<JudgedOutput> judged =
      judge_output(file, requirements, std::nullopt,
                   json ? SymbolDetail::Full : SymbolDetail::Summary, &pool);
  if (!judged) {
    report.error = llvm::toString(judged.takeError());
    if (json) {
      render_json(llvm::json::Object{{"path", json_string(file)},
                                     {"ok", false},
                                     {"error", json_string(*report.error)}},
                  report.out);
    }
    return report;
  }
  if (json) {
    render_json(verdict_json(*judged), report.out);
  } else {
    render_text(judged->verdict, report.out);
  }
  if (!judged->violations.empty()) {
    report.judged = std::make_unique<JudgedOutput>(std::move(*judged));
  } else if (const std::shared_ptr<VerdictStorage> &storage = judged->verdict.storage;
             storage && storage->file &&
             storage->file->getBufferKind() == llvm::MemoryBuffer::MemoryBuffer_MMap) {
    report.storage = std::move(judged->verdict.storage);
  }
  return report;
}

// Writes `report` to stdout, and its diagnostics to stderr after it; its exit code.
// stdout is flushed only before diagnostics, so that a verdict comes before what is said
// about it even through a pipe, and a directory of clean files costs a few writes.
int print_report(const FileReport &report, Diagnostics &diagnostics) {
  std::fwrite(report.out.data(), 1, report.out.size(), stdout);
  if (report.error) {
    std::fflush(stdout);
    diagnostics.error("{}", *report.error);
    return k_check_unreadable;
  }
  if (!report.judged) {
    return k_check_pass;
  }
  const JudgedOutput &judged = *report.judged;
  std::fflush(stdout);
  // CGO_ENABLED=0 is no way out for a program with C code of its own (go-sqlite3).
  bool own_cgo = judged.verdict.go && !judged.verdict.go->builds_without_cgo();
  report_all(diagnostics, judged.violations,
             judged.verdict.format != Format::Elf
                 ? ""
                 : fmt::format("link it with -static (through portable-ld: "
                               "PORTABLE_LD_STATIC=1); for Go, -ldflags '-linkmode=external "
                               "-extld=portable-ld' (internal linking ignores -extldflags){}",
                               own_cgo ? "" : " or CGO_ENABLED=0"),
             /*show_warnings=*/true);
  return judged.rejected() ? k_check_policy_failed : k_check_pass;
}

// Ends check once all is written, with `exit_code`. What the last files left mapped and
// the pool's memory are left to the kernel, as lld and mold end: it tears a whole address
// space down at exit for less than unmapping them one by one costs (5% of a check of 650
// files). A sanitizer build returns instead, for its leak check at exit.
int finish(int exit_code) {
  std::fflush(stdout);
  std::fflush(stderr);
#if !LLVM_ADDRESS_SANITIZER_BUILD
  llvm::sys::Process::Exit(exit_code, /*NoCleanup=*/true);
#endif
  return exit_code;
}

// Every file read, judged and rendered (pure work, on all cores, as lld reads its
// inputs), then printed in the order given; a window at a time, so memory stays bounded
// for any number of files. Ends with the worst status (see finish()): an unreadable file
// (2) over a failed requirement (1).
int check_files(const std::vector<std::string> &files, const Requirements &requirements,
                bool json, Diagnostics &diagnostics) {
  int exit_code = k_check_pass;
  const size_t window = 256;
  auto pool = BufferPool::create(); // the memory the files are read into
  std::vector<FileReport> reports;  // the last window's, and their mappings, go with finish()
  for (size_t start = 0; start < files.size(); start += window) {
    size_t count = std::min(window, files.size() - start);
    reports.clear();
    reports.resize(count);
    auto report_one = [&](size_t i) {
      reports[i] = report_file(files[start + i], requirements, json, *pool);
    };
    // One task per thread, each taking the next file until none is left: a task per file
    // cost a std::function, a lock and a wakeup each, which a loaded machine feels.
    size_t threads = std::min<size_t>(count, llvm::parallel::strategy.compute_thread_count());
    std::atomic<size_t> next{0};
    auto work = [&](size_t) {
      for (size_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < count;) {
        report_one(i);
      }
    };
    if (threads <= 1) {
      work(0);
    } else {
      llvm::parallelForEachN(0, threads, work);
    }
    for (const FileReport &report : reports) {
      exit_code = std::max(exit_code, print_report(report, diagnostics));
    }
  }
  return finish(exit_code);
}

// check --sbom FILE: the CycloneDX document of what FILE itself says, for a program built
// elsewhere: its package note (the program and the Debian packages linked into it) and,
// for Go, its build information (its modules).
int print_sbom(const CheckOptions &options, Diagnostics &diagnostics) {
  if (options.files.size() != 1) {
    diagnostics.error("check: --sbom describes one file; {} given", options.files.size());
    diagnostics.hint("run 'portable-ld check --sbom FILE' once per file");
    return k_check_unreadable;
  }
  const std::string &file = options.files.front();
  llvm::Expected<Verdict> verdict = inspect_file(file, SymbolDetail::Summary);
  if (!verdict) {
    diagnostics.error("{}", llvm::toString(verdict.takeError()));
    return k_check_unreadable;
  }
  std::optional<PackageNoteFacts> note;
  for (const std::string &text : verdict->package_notes) {
    if ((note = parse_package_note(text))) {
      break;
    }
  }
  std::string name = llvm::sys::path::filename(file).str();
  const GoBinary *go = verdict->go ? &*verdict->go : nullptr;
  if (!note) {
    diagnostics.warn("'{}' has no package note: the SBOM names only what the file itself "
                     "says{}",
                     escape_control(file), go ? " (its Go modules)" : "");
    diagnostics.hint("link it with PORTABLE_LD_PROVENANCE=on to record the C libraries it is "
                     "made of");
    note = PackageNoteFacts{};
  }
  std::fputs(render_sbom(cyclonedx_document(subject_of_note(*note, name, go))).c_str(), stdout);
  return k_check_pass;
}

} // namespace

int run_check(const std::vector<std::string> &args) {
  Diagnostics diagnostics;
  CheckOptions options;
  if (std::optional<int> done = parse_options(args, options, diagnostics)) {
    return *done;
  }
  if (options.sbom) {
    return print_sbom(options, diagnostics);
  }
  llvm::Expected<Requirements> requirements = requirements_of(options);
  if (!requirements) {
    diagnostics.error("check: {}", llvm::toString(requirements.takeError()));
    return k_check_unreadable;
  }
  return check_files(options.files, *requirements, options.json, diagnostics);
}

} // namespace portable_ld
