// SPDX-License-Identifier: Apache-2.0
#include "cli/cli.h"

#include <chrono>
#include <cstdlib>
#include <unistd.h>

#include "judge/judge_output.h"
#include "link/config.h"
#include "link/log.h"
#include "support/diagnostics.h"
#include "support/regular_file.h"
#include "support/subprocess.h"
#include "support/version.h"
#include "verify/go_binary.h"
#include "verify/verify.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

namespace portable_ld {

namespace {

// The last value of Go flag `name` (-name=v, -name v, --name=v, --name v); Go's flag
// package keeps the last. cmd/go passes the main package's archive last, after the
// flags, so it is not looked at; values of other flags are skipped as non-flags.
std::optional<std::string> last_flag_value(const std::vector<std::string> &args,
                                           llvm::StringRef name) {
  std::optional<std::string> value;
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    llvm::StringRef arg = args[i];
    if (!arg.consume_front("-")) {
      continue;
    }
    arg.consume_front("-");
    if (!arg.consume_front(name)) {
      continue;
    }
    if (arg.consume_front("=")) {
      value = arg.str();
    } else if (arg.empty() && i + 2 < args.size()) {
      value = args[++i];
    }
  }
  return value;
}

int exec_untouched(const std::string &program, const std::vector<std::string> &argv,
                   Diagnostics &diagnostics) {
  std::error_code error = exec_program(program, argv, current_environment());
  diagnostics.error("-toolexec: cannot run '{}': {}", program, error.message());
  return exit_code_for_exec(error);
}

// `link -V=full` prints "link version go1.19.8 [...]"; cmd/go hashes the whole line of a
// release into the link's cache key, so the guard's policy appended here separates the
// cached binaries of guarded, unguarded and differently guarded builds.
int print_link_version(const std::string &tool, const std::vector<std::string> &argv,
                       const Config &config, Diagnostics &diagnostics) {
  int exit_code = 0;
  llvm::Expected<std::string> output =
      run_capturing_stdout(tool, {argv.begin() + 1, argv.end()}, {}, exit_code);
  if (!output) {
    diagnostics.error("-toolexec: {}", llvm::toString(output.takeError()));
    return k_exit_internal;
  }
  // Everything that decides what a guarded link writes or accepts: the static request,
  // the NSS policy (under =error a cached binary must not pass), the glibc floor, the
  // portability policy (a dynamic guarded link is judged by it) and the backend.
  llvm::StringRef line = llvm::StringRef(*output).rtrim("\n");
  std::vector<std::string> policy;
  if (config.static_requested) {
    policy.push_back("static");
    policy.push_back(fmt::format("nss={}", to_string(config.nss)));
  }
  if (config.glibc_floor) {
    policy.push_back(fmt::format("glibc={}", *config.glibc_floor));
  }
  if (!config.portability.preset.empty()) {
    policy.push_back(fmt::format("policy={}", config.portability.preset));
  }
  for (const FamilyVersion &limit : config.portability.max_versions) {
    policy.push_back(fmt::format("max_{}={}", llvm::StringRef(limit.family).lower(), limit.version));
  }
  if (config.portability.allowed_libs) {
    policy.push_back(fmt::format("allow_libs={}", fmt::join(*config.portability.allowed_libs, " ")));
  }
  if (config.backend_origin != BackendOrigin::Default) {
    policy.push_back(fmt::format("cc={}", fmt::join(config.backend, " ")));
  }
  fmt::print("{} [portable-ld {} toolexec guard{}{}]\n", line.str(), k_version,
             policy.empty() ? "" : ": ", fmt::join(policy, ", "));
  return exit_code;
}

// The packages an import config names ("packagefile PATH=FILE" lines).
std::vector<std::string> import_config_packages(llvm::StringRef config) {
  std::vector<std::string> packages;
  for (llvm::StringRef rest = config; !rest.empty();) {
    auto [line, next] = rest.split('\n');
    rest = next;
    if (line.consume_front("packagefile ")) {
      packages.push_back(line.split('=').first.str());
    }
  }
  return packages;
}

// cmd/go links runtime/cgo only when it knows the link is external: when the guard makes
// it so, the import config may lack it (and, before Go 1.21, always does under
// -tags netgo,osusergo). `go list -export` gives the compiled package and those of its
// dependencies, from the build cache; the ones the config lacks are appended to a copy.
llvm::Expected<std::string> add_runtime_cgo(const std::string &link_tool,
                                            const std::string &importcfg,
                                            const std::string &config,
                                            std::vector<ArgumentChange> &changes) {
  std::vector<std::string> present = import_config_packages(config);
  if (std::find(present.begin(), present.end(), "runtime/cgo") != present.end()) {
    return importcfg;
  }
  // GOROOT/pkg/tool/GOOS_GOARCH/link -> GOROOT/bin/go, the go command of this very build.
  llvm::StringRef goroot = link_tool;
  for (int i = 0; i < 4; ++i) {
    goroot = llvm::sys::path::parent_path(goroot);
  }
  llvm::SmallString<128> go(goroot);
  llvm::sys::path::append(go, "bin", "go");
  int exit_code = 0;
  llvm::Expected<std::string> listed = run_capturing_stdout(
      go.str().str(),
      {"go", "list", "-deps", "-export", "-f",
       "{{if .Export}}packagefile {{.ImportPath}}={{.Export}}{{end}}", "runtime/cgo"},
      environment_with("CGO_ENABLED", "1"), exit_code);
  if (!listed) {
    return listed.takeError();
  }
  if (exit_code != 0) {
    return llvm::createStringError(std::errc::invalid_argument,
                                   "'%s list -export runtime/cgo' failed (exit %d)",
                                   go.c_str(), exit_code);
  }
  std::string merged = config;
  if (!merged.empty() && merged.back() != '\n') {
    merged += '\n';
  }
  for (llvm::StringRef rest = *listed; !rest.empty();) {
    auto [line, next] = rest.split('\n');
    rest = next;
    llvm::StringRef entry = line;
    if (entry.consume_front("packagefile ") &&
        std::find(present.begin(), present.end(), entry.split('=').first) == present.end()) {
      merged += line.str() + "\n";
    }
  }
  std::string copy = importcfg + ".portable-ld";
  if (llvm::Error error = write_whole_file(copy, merged)) {
    return error;
  }
  changes.push_back({"replace", "-importcfg " + importcfg, "-importcfg " + copy,
                     "an external link needs runtime/cgo, which the import config lacked"});
  return copy;
}

// Why a link is guarded: a static request, or a glibc floor for a program that links
// glibc (one with cgo, which Go may link with its own linker and the build's glibc).
enum class GuardReason { Static, GlibcFloor };

class GuardedLink {
public:
  GuardedLink(const std::vector<std::string> &argv, Config config)
      : m_start(Clock::now()), m_config(std::move(config)), m_tool(argv[1]),
        m_args(argv.begin() + 2, argv.end()) {
    m_record.role = Role::GoLink;
    m_record.argv_received = argv;
  }
  int run();

private:
  bool guarded();
  bool links_glibc();
  llvm::Expected<const std::string &> import_config(const std::string &path);
  std::vector<std::string> external_link_flags(std::vector<std::string> &env);
  bool add_runtime_cgo_flag(std::vector<std::string> &added);
  int link(const std::vector<std::string> &added, std::vector<std::string> env);
  int verify_output();
  int finish(int exit_code, Result result);

  Clock::time_point m_start;
  Config m_config;
  GuardReason m_reason = GuardReason::Static;
  Diagnostics m_diagnostics;
  InvocationRecord m_record;
  const std::string m_tool;              // GOROOT/pkg/tool/GOOS_GOARCH/link
  const std::vector<std::string> m_args; // its arguments, the main package's archive last
  std::optional<std::string> m_import_config; // -importcfg's text, once read
};

// link's own flags -> the added ones -> link -> verification -> log.
int GuardedLink::run() {
  if (!guarded()) {
    return exec_untouched(m_tool, {m_record.argv_received.begin() + 1, m_record.argv_received.end()},
                          m_diagnostics);
  }
  std::vector<std::string> env = current_environment();
  std::vector<std::string> added = external_link_flags(env);
  if (!add_runtime_cgo_flag(added)) {
    return finish(k_exit_internal, Result::Error);
  }
  int status = link(added, std::move(env));
  return status != 0 ? status : verify_output();
}

// A static request (-extldflags with -static, else the settings), or a glibc floor for a
// program that links glibc.
bool GuardedLink::guarded() {
  std::optional<std::string> extldflags = last_flag_value(m_args, "extldflags");
  if (extldflags && extldflags_request_static(*extldflags)) {
    m_record.static_requested = true;
    m_record.static_source = StaticSource::Arguments;
  } else if (m_config.static_requested) {
    m_record.static_requested = true;
    m_record.static_source = m_config.static_source;
  }
  // A c-archive is an ar archive for another link to use: nothing to force or verify.
  bool archive = last_flag_value(m_args, "buildmode").value_or("") == "c-archive";
  if (archive || m_args.empty() || m_args.back().starts_with("-")) {
    return false;
  }
  if (m_record.static_requested) {
    m_reason = GuardReason::Static;
    return true;
  }
  if (m_config.glibc_floor && m_config.libc == Libc::Glibc && links_glibc()) {
    m_reason = GuardReason::GlibcFloor;
    m_record.glibc_floor = m_config.glibc_floor;
    return true;
  }
  return false;
}

// Whether the output will need the C library: an external link, or runtime/cgo in the
// import config (every cgo package imports it; Go links such a program internally when
// its only cgo is the standard library's, against the build machine's glibc). A program
// for another GOOS is not glibc's.
bool GuardedLink::links_glibc() {
  const char *goos = std::getenv("GOOS");
  if (goos && *goos && llvm::StringRef(goos) != "linux") {
    return false;
  }
  if (last_flag_value(m_args, "linkmode").value_or("") == "external") {
    return true;
  }
  std::optional<std::string> importcfg = last_flag_value(m_args, "importcfg");
  if (!importcfg) {
    return false;
  }
  llvm::Expected<const std::string &> config = import_config(*importcfg);
  if (!config) {
    // link reports the unreadable file itself.
    llvm::consumeError(config.takeError());
    return false;
  }
  std::vector<std::string> packages = import_config_packages(*config);
  return std::find(packages.begin(), packages.end(), "runtime/cgo") != packages.end();
}

// The import config's text, read once: a floor's guard and the runtime/cgo check both
// need it.
llvm::Expected<const std::string &> GuardedLink::import_config(const std::string &path) {
  if (!m_import_config) {
    llvm::Expected<std::string> text = read_whole_file(path);
    if (!text) {
      return text.takeError();
    }
    m_import_config = std::move(*text);
  }
  return *m_import_config;
}

// -linkmode=external and -extld=<portable-ld>, unless link has them; Go's own C compiler
// goes into `env` as the backend of the external link.
std::vector<std::string> GuardedLink::external_link_flags(std::vector<std::string> &env) {
  std::vector<std::string> added;
  if (last_flag_value(m_args, "linkmode").value_or("") != "external") {
    added.push_back("-linkmode=external");
    m_record.changes.push_back(
        {"add", "", added.back(),
         m_reason == GuardReason::Static
             ? "a static request needs an external link: Go's internal linker ignores "
               "-extldflags"
             : "a glibc floor needs an external link: Go's internal linker binds the build "
               "machine's glibc"});
  }
  std::string self = llvm::sys::fs::getMainExecutable(nullptr, nullptr);
  std::string extld = last_flag_value(m_args, "extld").value_or("gcc");
  llvm::Expected<std::string> extld_program = resolve_program(extld);
  bool extld_is_self = false;
  if (extld_program) {
    llvm::sys::fs::equivalent(*extld_program, self, extld_is_self);
  } else {
    llvm::consumeError(extld_program.takeError());
  }
  if (!extld_is_self) {
    added.push_back("-extld=" + self);
    m_record.changes.push_back(
        {"add", "", added.back(),
         m_reason == GuardReason::Static
             ? "the external link runs through portable-ld, which makes it static and "
               "verifies it"
             : "the external link runs through portable-ld, which links it for the glibc "
               "floor and verifies it"});
    // Go's own choice of C compiler (CC, CXX for C++ packages) stays the backend, unless
    // PORTABLE_LD_CC or the config file names one.
    if (m_config.backend_origin == BackendOrigin::Default) {
      env = environment_with("PORTABLE_LD_CC", extld);
    }
  }
  return added;
}

// -importcfg=<a copy with runtime/cgo>, when the import config lacks it.
bool GuardedLink::add_runtime_cgo_flag(std::vector<std::string> &added) {
  std::optional<std::string> importcfg = last_flag_value(m_args, "importcfg");
  if (!importcfg) {
    return true;
  }
  llvm::Expected<const std::string &> config = import_config(*importcfg);
  llvm::Expected<std::string> with_cgo =
      config ? add_runtime_cgo(m_tool, *importcfg, *config, m_record.changes)
             : llvm::Expected<std::string>(config.takeError());
  if (!with_cgo) {
    m_diagnostics.error("-toolexec: cannot add runtime/cgo to the link: {}",
                        llvm::toString(with_cgo.takeError()));
    m_diagnostics.hint("add import _ \"runtime/cgo\" to package main; an external link "
                       "without it crashes at startup");
    return false;
  }
  if (*with_cgo != *importcfg) {
    added.push_back("-importcfg=" + *with_cgo);
  }
  return true;
}

// Runs link with the flags added before the main package's archive, which cmd/go passes
// last. Returns its status, or portable-ld's own when it could not be started; 0 goes on.
int GuardedLink::link(const std::vector<std::string> &added, std::vector<std::string> env) {
  std::vector<std::string> argv_run{m_tool};
  argv_run.insert(argv_run.end(), m_args.begin(), m_args.end() - 1);
  argv_run.insert(argv_run.end(), added.begin(), added.end());
  argv_run.push_back(m_args.back());
  m_record.argv_run = argv_run;
  m_record.backend = m_tool;

  Clock::time_point link_start = Clock::now();
  llvm::Expected<SpawnResult> linked =
      spawn_and_wait({m_tool, argv_run, std::move(env), StderrMode::Inherit});
  m_record.backend_ms = ms_since(link_start);
  if (!linked) {
    m_diagnostics.error("-toolexec: cannot run '{}': {}", m_tool,
                        llvm::toString(linked.takeError()));
    return finish(k_exit_cannot_execute, Result::Error);
  }
  m_record.backend_status = linked->status;
  if (linked->status.shell_code() != 0) {
    return finish(linked->status.shell_code(), Result::BackendFailed);
  }
  return 0;
}

int GuardedLink::verify_output() {
  // cmd/link may rewrite what the external linker wrote (strip, compress, sign): the
  // file Go installs is the one to judge. The NSS warnings were the extld's to give.
  std::string output = last_flag_value(m_args, "o").value_or("a.out");
  m_record.output = output;
  Requirements requirements;
  requirements.static_required = m_reason == GuardReason::Static;
  requirements.nss = m_config.nss;
  requirements.portability = m_config.portability;
  if (!m_config.goarch.empty()) {
    requirements.goarch = m_config.goarch;
  }
  Clock::time_point verify_start = Clock::now();
  llvm::Expected<JudgedOutput> judged = judge_output(output, requirements);
  m_record.verify_ms = ms_since(verify_start);
  if (!judged) {
    std::string reason = llvm::toString(judged.takeError());
    m_diagnostics.error("-toolexec: link succeeded but its output cannot be verified: {}",
                        reason);
    m_record.errors.push_back(reason);
    return finish(k_exit_bad_output, Result::BadOutput);
  }
  record_judgement(m_record, *judged);
  report_all(m_diagnostics, judged->violations,
             "see the final-link record of this link in the log (PORTABLE_LD_LOG) for the "
             "command the external linker ran",
             /*show_warnings=*/false);
  if (judged->rejected()) {
    remove_rejected_output(m_diagnostics, output);
    return finish(k_exit_not_static, Result::VerifyFailed);
  }
  return finish(0, Result::Ok);
}

int GuardedLink::finish(int exit_code, Result result) {
  return close_record(m_record, exit_code, result, m_start, m_config, m_diagnostics,
                      /*quiet=*/false);
}

} // namespace

bool is_toolexec_call(const std::vector<std::string> &argv) {
  if (argv.size() < 2 || argv[1].empty() || argv[1][0] == '-' || argv[1][0] == '@') {
    return false;
  }
  if (argv.size() >= 3 && argv[2] == "-###") {
    return true; // cmd/go's compiler identity query: `CC -### -x c -c -`
  }
  if (!llvm::sys::path::is_absolute(argv[1]) || !llvm::sys::fs::can_execute(argv[1])) {
    return false;
  }
  return (argv.size() >= 3 && argv[2] == "-V=full") || std::getenv("TOOLEXEC_IMPORTPATH");
}

int run_toolexec(const std::vector<std::string> &argv) {
  Diagnostics diagnostics;
  std::vector<std::string> tool_argv(argv.begin() + 1, argv.end());
  if (argv.size() >= 3 && argv[2] == "-###") {
    llvm::Expected<std::string> program = resolve_program(argv[1]);
    if (!program) {
      RunError error = take_run_error(program.takeError());
      diagnostics.error("-toolexec: cannot run '{}': {}", argv[1], error.reason);
      return exit_code_for_exec(error.code);
    }
    return exec_untouched(*program, tool_argv, diagnostics);
  }
  if (llvm::sys::path::filename(argv[1]) != "link") {
    return exec_untouched(argv[1], tool_argv, diagnostics);
  }
  llvm::Expected<Config> config = load_config();
  if (!config) {
    report_settings_error(diagnostics, config.takeError());
    return k_exit_usage;
  }
  if (argv.size() == 3 && argv[2] == "-V=full") {
    return print_link_version(argv[1], argv, *config, diagnostics);
  }
  return GuardedLink(argv, std::move(*config)).run();
}

} // namespace portable_ld
