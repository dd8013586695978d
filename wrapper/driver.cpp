// SPDX-License-Identifier: Apache-2.0
//
// The wrapper pipeline. Every step is one call; a failed step reports, records itself in
// the log record and returns its documented exit code.
#include "driver.h"

#include <chrono>
#include <cstdlib>
#include <unistd.h>

#include "arguments.h"
#include "backend_output.h"
#include "config.h"
#include "diagnostics.h"
#include "fuse_ld.h"
#include "log.h"
#include "policy.h"
#include "reproduce.h"
#include "response_file.h"
#include "subprocess.h"
#include "verify.h"

#include "llvm/Config/llvm-config.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

namespace portable_ld {

namespace {

// Nested portable-ld processes (a backend script that calls portable-ld again) are
// counted in this variable; past k_max_depth it is a loop, not a build.
constexpr const char *k_depth_variable = "PORTABLE_LD_DEPTH";
constexpr int k_max_depth = 4;

int current_depth() {
  const char *depth = std::getenv(k_depth_variable);
  return depth ? std::atoi(depth) : 0;
}

// The exit status for a backend that could not be started, as a shell reports it.
int exit_code_for(std::error_code error) {
  return error == std::errc::no_such_file_or_directory ? k_exit_not_found
                                                        : k_exit_cannot_execute;
}

// Roles whose output Go parses: nothing of ours may be printed there, not even a
// warning about the log.
bool is_silent_role(Role role) { return role != Role::FinalLink; }

// What `--launcher [--static] [--log=PATH] DRIVER` says.
struct LauncherOptions {
  std::string driver;
  bool static_request = false;
  std::optional<std::optional<std::string>> log; // set: overrides; inner nullopt: off
};

class Wrapper {
public:
  // The driver arguments start at argv[first_arg]; a launcher's DRIVER replaces the
  // configured backend.
  Wrapper(const std::vector<std::string> &argv, size_t first_arg,
          std::optional<LauncherOptions> launcher)
      : m_start(Clock::now()), m_first_arg(first_arg), m_launcher(std::move(launcher)) {
    m_record.argv_received = argv;
  }

  int run();

private:
  int finish(int exit_code, const std::string &result);
  int fail(int exit_code, const std::string &result, const std::string &message,
           const std::string &hint);
  std::optional<std::string> resolve_backend();
  int verify_output(const Invocation &invocation, const std::string &linker_output);
  // After a failed Go link: the backend targets another architecture than $GOARCH.
  std::optional<std::string> backend_arch_mismatch(const std::string &program);

  Clock::time_point m_start;
  size_t m_first_arg;
  std::optional<LauncherOptions> m_launcher;
  Diagnostics m_diagnostics;
  Config m_config;
  InvocationRecord m_record;
  std::optional<std::string> m_temporary_response_file;
  // For a reproducer: the classified invocation and the backend argv, expanded.
  std::optional<Invocation> m_invocation;
  std::vector<std::string> m_expanded_run;
};

int Wrapper::run() {
  const std::vector<std::string> &argv = m_record.argv_received;

  // 1. Own settings: environment and config file, never the driver argv.
  llvm::Expected<Config> config = load_config();
  if (!config) {
    m_diagnostics.error("{}", llvm::toString(config.takeError()));
    m_diagnostics.hint("see 'portable-ld --help' for the settings and their values");
    return k_exit_usage; // no trustworthy log path to record this in
  }
  m_config = std::move(*config);
  // Called as portable-ld++ (CXX=portable-ld++), the default backend is the C++ driver,
  // as g++ is gcc's: cmd/go links C++ packages with $CXX, which must add libstdc++.
  if (llvm::StringRef(llvm::sys::path::filename(argv[0])).endswith("++") &&
      m_config.backend_origin == "default") {
    m_config.backend = {"c++"};
    m_config.backend_origin = "the name portable-ld++";
  }
  if (m_launcher) {
    m_config.backend = {m_launcher->driver};
    m_config.backend_origin = "the --launcher argument";
    if (m_launcher->static_request) {
      m_config.static_requested = true;
      m_config.static_source = StaticSource::Launcher;
    }
    if (m_launcher->log) {
      m_config.log_path = *m_launcher->log;
    }
  }

  // 2. Expand @response files for analysis; the original argv is what runs.
  ExpandedArgs expanded = expand_response_files({argv.begin() + m_first_arg, argv.end()});
  Invocation invocation = classify(std::move(expanded.args), expanded.expanded);
  m_record.role = invocation.role;
  if (invocation.expanded_response_file) {
    m_record.expanded = invocation.args;
  }
  const bool final_link = invocation.role == Role::FinalLink;

  // 3. The backend: resolved on PATH, never portable-ld itself.
  std::optional<std::string> program = resolve_backend();
  if (!program) {
    return m_record.exit_code; // reported and logged by resolve_backend()
  }
  m_record.backend = *program;

  // 4. The plan: what runs. Only final links are changed, and only for a static request.
  std::vector<std::string> args_to_run(argv.begin() + m_first_arg, argv.end());
  m_record.static_requested =
      final_link && (m_config.static_requested || invocation.static_in_args);
  m_record.static_source = !m_record.static_requested ? StaticSource::None
                           : m_config.static_requested ? m_config.static_source
                                                       : StaticSource::Arguments;
  if (final_link) {
    m_record.output = invocation.output_path();
  }
  std::vector<std::string> rewritten_args;
  if (m_record.static_requested) {
    llvm::Expected<StaticRewrite> rewrite = rewrite_for_static(invocation);
    if (!rewrite) {
      return fail(k_exit_usage, "error", llvm::toString(rewrite.takeError()),
                  "a shared library cannot be static: drop the static request for this "
                  "link, or build a static archive (Go: -buildmode=c-archive)");
    }
    m_record.changes = rewrite->changes;
    rewritten_args = rewrite->args;
    if (!rewrite->changes.empty()) {
      if (invocation.expanded_response_file) {
        // Keep the command line short, as the original did: our own response file.
        llvm::SmallString<128> path;
        if (std::error_code error =
                llvm::sys::fs::createTemporaryFile("portable-ld", "rsp", path)) {
          return fail(k_exit_internal, "error",
                      "cannot create a temporary response file: " + error.message(), "");
        }
        m_temporary_response_file = std::string(path);
        if (llvm::Error error = write_response_file(*m_temporary_response_file, rewrite->args)) {
          return fail(k_exit_internal, "error", llvm::toString(std::move(error)), "");
        }
        args_to_run = {"@" + *m_temporary_response_file};
      } else {
        args_to_run = std::move(rewrite->args);
      }
    }
  }
  std::vector<std::string> argv_run = m_config.backend;
  // The linker: only for final links, and only when the build did not choose one.
  auto chooses_linker = [](const std::string &arg) {
    return llvm::StringRef(arg).startswith("-fuse-ld=");
  };
  if (final_link && !m_config.fuse_ld.empty() &&
      std::none_of(invocation.args.begin(), invocation.args.end(), chooses_linker) &&
      std::none_of(m_config.backend.begin(), m_config.backend.end(), chooses_linker)) {
    if (std::optional<std::string> linker =
            choose_fuse_ld(m_config.fuse_ld, m_config.backend, *program)) {
      argv_run.push_back("-fuse-ld=" + *linker);
      m_record.changes.push_back({"add", "", argv_run.back(),
                                  "PORTABLE_LD_FUSE_LD=" + m_config.fuse_ld});
    }
  }
  const size_t backend_words = argv_run.size();
  argv_run.insert(argv_run.end(), args_to_run.begin(), args_to_run.end());
  m_record.argv_run = argv_run;
  if (final_link && m_config.reproduce_dir) {
    m_expanded_run.assign(argv_run.begin(), argv_run.begin() + backend_words);
    const std::vector<std::string> &run_args =
        rewritten_args.empty() ? invocation.args : rewritten_args;
    m_expanded_run.insert(m_expanded_run.end(), run_args.begin(), run_args.end());
    m_invocation = invocation;
  }

  // 5. Run the backend. Without a log and without verification there is nothing left to
  //    do afterwards, so become the backend (the ccache fallback): the fastest passthrough.
  std::string depth = std::to_string(current_depth() + 1);
  const bool compiler_id_query =
      invocation.role == Role::Query &&
      std::find(invocation.args.begin(), invocation.args.end(), "-###") != invocation.args.end();
  if (!final_link && !compiler_id_query && !m_config.log_path) {
    std::error_code error =
        exec_program(*program, argv_run, environment_with(k_depth_variable, depth));
    return fail(exit_code_for(error), "error",
                "cannot run '" + m_config.backend[0] + "': " + error.message(), "");
  }

  Clock::time_point backend_start = Clock::now();
  StderrMode stderr_mode = compiler_id_query           ? StderrMode::Capture
                           : m_record.static_requested ? StderrMode::Tee
                                                       : StderrMode::Inherit;
  llvm::Expected<SpawnResult> spawned = spawn_and_wait(
      {*program, argv_run, environment_with(k_depth_variable, depth), stderr_mode, ""});
  m_record.backend_ms = ms_since(backend_start);
  if (m_temporary_response_file) {
    llvm::sys::fs::remove(*m_temporary_response_file);
  }
  if (!spawned) {
    std::error_code code;
    std::string reason;
    llvm::handleAllErrors(spawned.takeError(), [&](const llvm::StringError &error) {
      code = error.convertToErrorCode();
      reason = error.getMessage();
    });
    return fail(exit_code_for(code), "error",
                "cannot run '" + m_config.backend[0] + "': " + reason, "");
  }
  m_record.backend_status = spawned->status;
  if (compiler_id_query) {
    llvm::errs() << stamp_compiler_id(spawned->captured_stderr, m_config);
  }
  int backend_code = spawned->status.shell_code();
  if (backend_code != 0) {
    // A Go link for another GOARCH fails with "file in wrong format" when the backend is
    // the host's compiler: say which two architectures disagree.
    if (final_link && invocation.from_go && spawned->status.signal == 0) {
      if (std::optional<std::string> mismatch = backend_arch_mismatch(*program)) {
        return fail(backend_code, "backend-failed", *mismatch,
                    fmt::format("set PORTABLE_LD_CC to a C compiler for {0} (Debian: "
                                "gcc-<triple>, e.g. aarch64-linux-gnu-gcc from "
                                "gcc-aarch64-linux-gnu for arm64)",
                                std::getenv("GOARCH")));
      }
    }
    if (m_record.static_requested && spawned->status.signal == 0) {
      StaticFailure failure = explain_static_failure(spawned->captured_stderr);
      return fail(backend_code, "backend-failed", "static link failed: " + failure.reason,
                  failure.hint);
    }
    m_record.exit_code = backend_code;
    return finish(backend_code, "backend-failed");
  }
  if (!final_link) {
    return finish(0, "passthrough");
  }

  // 6. Verify what the link produced.
  return verify_output(invocation, spawned->captured_stderr);
}

std::optional<std::string> Wrapper::resolve_backend() {
  const std::string &name = m_config.backend[0];
  llvm::Expected<std::string> program = resolve_program(name);
  if (!program) {
    std::error_code code = llvm::errorToErrorCode(program.takeError());
    fail(exit_code_for(code),
         "error", "cannot run '" + name + "': " + code.message(),
         !m_config.backend_package_hint.empty() ? m_config.backend_package_hint
         : m_config.backend_origin == "default"
             ? "install a C compiler driver (Debian: gcc), or set PORTABLE_LD_CC"
             : "check " + m_config.backend_origin + ", which names the backend");
    return std::nullopt;
  }
  std::string self = llvm::sys::fs::getMainExecutable(nullptr, nullptr);
  bool is_self = false;
  if (!self.empty() && !llvm::sys::fs::equivalent(*program, self, is_self) && is_self) {
    fail(k_exit_usage, "error",
         "backend '" + name + "' (" + m_config.backend_origin + ") resolves to portable-ld "
         "itself ('" + *program + "')",
         "set PORTABLE_LD_CC (or cc in the config file) to the real compiler driver, e.g. "
         "gcc or clang");
    return std::nullopt;
  }
  if (current_depth() >= k_max_depth) {
    fail(k_exit_usage, "error",
         "portable-ld is nested " + std::to_string(k_max_depth) +
             " deep: backend '" + *program + "' runs portable-ld again",
         "set PORTABLE_LD_CC (or cc in the config file) to a compiler driver that does "
         "not call portable-ld");
    return std::nullopt;
  }
  return std::move(*program);
}

std::optional<std::string> Wrapper::backend_arch_mismatch(const std::string &program) {
  const char *goarch = std::getenv("GOARCH");
  if (!goarch || !*goarch) {
    return std::nullopt;
  }
  std::vector<std::string> argv = m_config.backend;
  argv.push_back("-dumpmachine");
  int status = 0;
  llvm::Expected<std::string> triple = run_capturing_stdout(program, argv, {}, status);
  if (!triple) {
    llvm::consumeError(triple.takeError());
    return std::nullopt;
  }
  std::optional<std::string> backend_goarch = goarch_of_triple(*triple);
  if (status != 0 || !backend_goarch || *backend_goarch == goarch) {
    return std::nullopt;
  }
  return fmt::format("backend '{}' builds for {} ({}), but GOARCH is {}", m_config.backend[0],
                     *backend_goarch, llvm::StringRef(*triple).trim().str(), goarch);
}

int Wrapper::verify_output(const Invocation &invocation, const std::string &linker_output) {
  Requirements requirements;
  requirements.static_required = m_record.static_requested;
  requirements.nss = m_config.nss;
  requirements.portability = m_config.portability;
  if (invocation.from_go) {
    if (const char *goarch = std::getenv("GOARCH")) {
      requirements.goarch = goarch;
    }
  }

  Clock::time_point verify_start = Clock::now();
  const std::string output = invocation.output_path();
  llvm::Expected<Verdict> verdict = inspect_file(output);
  m_record.verify_ms = ms_since(verify_start);
  if (!verdict) {
    std::string reason = llvm::toString(verdict.takeError());
    // Nothing was required of this output: a format portable-ld does not read
    // (--oformat=binary, wasm, a fat Mach-O) is the build's business. Logged, and the
    // link stands.
    if (requirements.none()) {
      m_record.warnings.push_back("output not verified: " + reason);
      return finish(0, "unverified");
    }
    return fail(k_exit_bad_output, "bad-output",
                "link succeeded but its output cannot be verified: " + reason, "");
  }
  // The linker's own NSS warnings (kept when static was requested) add what a stripped
  // binary may no longer show.
  if (verdict->linkage == Linkage::Static || verdict->linkage == Linkage::StaticPie) {
    merge_hazards(verdict->hazards, hazards_from_linker_warnings(linker_output));
  }
  m_record.verdict = *verdict;

  std::vector<Violation> violations = judge(*verdict, requirements);
  bool failed = false;
  for (const Violation &violation : violations) {
    if (violation.fatal) {
      failed = true;
      continue;
    }
    m_diagnostics.warn("{}", violation.message);
    m_record.warnings.push_back(violation.message);
    for (const std::string &note : violation.notes) {
      m_diagnostics.note("{}", note);
    }
    if (violation.escalated_by) {
      m_diagnostics.hint("{}; {}=error makes this an error, =ignore silences it",
                         violation.hint, violation.escalated_by);
    } else if (!violation.hint.empty()) {
      m_diagnostics.hint("{}", violation.hint);
    }
  }
  if (!failed) {
    return finish(0, "ok");
  }
  for (const Violation &violation : violations) {
    if (!violation.fatal) {
      continue;
    }
    m_record.errors.push_back(violation.message);
    std::optional<std::string> culprit = dynamic_culprit(m_record.argv_run);
    report(m_diagnostics, violation,
           culprit ? fmt::format("'{}' in the link command makes it dynamic; remove it, or "
                                 "link that library's static archive",
                                 *culprit)
                   : "the backend ignored -static; check PORTABLE_LD_CC, and 'argv_run' in "
                     "the log for the command that ran");
  }
  // A build system must not mistake a failed artifact for a good one.
  if (!llvm::sys::fs::remove(output)) {
    m_diagnostics.note("removed '{}'", output);
  }
  m_record.exit_code = k_exit_not_static;
  return finish(k_exit_not_static, "verify-failed");
}

int Wrapper::fail(int exit_code, const std::string &result, const std::string &message,
                  const std::string &hint) {
  m_diagnostics.error("{}", message);
  if (!hint.empty()) {
    m_diagnostics.hint("{}", hint);
  }
  m_record.errors.push_back(message);
  return finish(exit_code, result); // logs, and leaves a reproducer, when configured
}

int Wrapper::finish(int exit_code, const std::string &result) {
  m_record.exit_code = exit_code;
  m_record.result = result;
  if (m_invocation && (exit_code != 0 || m_config.reproduce_always)) {
    llvm::Expected<std::string> bundle = write_reproducer(
        *m_config.reproduce_dir, m_record, *m_invocation, m_expanded_run, m_config);
    if (!bundle) {
      m_diagnostics.warn("cannot write a reproducer: {}", llvm::toString(bundle.takeError()));
    } else {
      m_record.reproducer = *bundle;
      if (exit_code != 0) {
        m_diagnostics.note("reproducer: '{}' (portable-ld replay '{}' runs it again)", *bundle,
                           *bundle);
      }
    }
  }
  m_record.total_ms = ms_since(m_start);
  // A log on stderr ("-") holds final links only: Go reads the output of probes and
  // queries, and a record there could read as "flag not supported".
  if (m_config.log_path && !(*m_config.log_path == "-" && is_silent_role(m_record.role))) {
    append_log(*m_config.log_path, to_json(m_record, m_config), m_diagnostics,
               !is_silent_role(m_record.role));
  }
  return exit_code;
}

} // namespace

int run_wrapper(const std::vector<std::string> &argv) {
  return Wrapper(argv, 1, std::nullopt).run();
}

int run_launcher(const std::vector<std::string> &argv) {
  Diagnostics diagnostics;
  LauncherOptions options;
  size_t i = 2;
  for (; i < argv.size() && llvm::StringRef(argv[i]).startswith("--"); ++i) {
    llvm::StringRef option = argv[i];
    if (option == "--static") {
      options.static_request = true;
    } else if (option.consume_front("--log=")) {
      llvm::Expected<std::optional<std::string>> log = parse_log_value(option.str(), "--log");
      if (!log) {
        diagnostics.error("{}", llvm::toString(log.takeError()));
        return k_exit_usage;
      }
      options.log = std::move(*log);
    } else {
      diagnostics.error("'{}' is not a launcher option (they are --static and --log=PATH)",
                        argv[i]);
      return k_exit_usage;
    }
  }
  if (i >= argv.size()) {
    diagnostics.error("--launcher needs the compiler driver to run");
    diagnostics.hint("usage: portable-ld --launcher [--static] [--log=PATH] DRIVER ARGS... "
                     "(CMake: CMAKE_CXX_LINKER_LAUNCHER=\"portable-ld;--launcher\")");
    return k_exit_usage;
  }
  options.driver = argv[i];
  return Wrapper(argv, i + 1, std::move(options)).run();
}

void print_version() {
  fmt::print("portable-ld {} (LLVM {})\n", k_version, LLVM_VERSION_STRING);
}

void print_help() {
  fmt::print(R"(OVERVIEW: portable-ld {} - a drop-in external linker for Go that logs, enforces
-static and verifies every link with LLVM's Object library

USAGE:
  portable-ld [compiler driver arguments...]   wrap the backend compiler driver
  portable-ld --launcher [--static] [--log=PATH] DRIVER [arguments...]
                                              wrap DRIVER (CMake's linker launcher)
  portable-ld check [--static] [--json] [--goarch=ARCH] [--nss=POLICY] [--policy=NAME]
                    [--max-glibc=V] [--allow-libs=LIBS] ... FILE...   (check --help)
  portable-ld replay [--keep] BUNDLE.tar      re-run a PORTABLE_LD_REPRODUCE bundle
  portable-ld++ ...                           the same, with c++ as the default backend
  portable-ld --help | --version

  go build -ldflags '-linkmode=external -extld=portable-ld' .
  PORTABLE_LD_STATIC=1 go build -ldflags '-linkmode=external -extld=portable-ld' .
  CC=portable-ld go build .
  PORTABLE_LD_STATIC=1 go build -toolexec=portable-ld .
                      toolexec guard: when static is requested, force an external,
                      verified link (Go's internal linker ignores -extldflags)

SETTINGS (environment first, then the config file):
{}
EXIT CODES (wrapper): the backend's own status (128+n when killed by signal n), or
  64 bad setting, recursion or impossible static request; 65 output failed verification
  (removed); 66 output missing or unreadable; 70 internal error; 126 backend cannot be
  executed; 127 backend not found. Under -toolexec the Go tool's status takes the
  backend's place, and 70 also means runtime/cgo could not be added to the link.
EXIT CODES (check): 0 all pass; 1 a requirement failed; 2 a file is unreadable or not an
  object file.

See portable-ld(1) and docs/ for the log schema and every diagnostic.
)",
             k_version, describe_settings());
}

} // namespace portable_ld
