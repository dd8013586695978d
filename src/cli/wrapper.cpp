// SPDX-License-Identifier: Apache-2.0
//
// The wrapper pipeline. Every step is one call; a failed step reports, records itself in
// the log record and returns its documented exit code.
#include "cli/cli.h"

#include <algorithm>
#include <atomic>
#include <future>

#include "floor/glibc_floor.h"
#include "judge/judge_output.h"
#include "link/arguments.h"
#include "link/backend_output.h"
#include "link/config.h"
#include "link/fuse_ld.h"
#include "link/library_search.h"
#include "link/link_plan.h"
#include "link/log.h"
#include "link/reproducer.h"
#include "link/response_file.h"
#include "link/undefined_references.h"
#include "provenance/dependency_file.h"
#include "provenance/link_inputs.h"
#include "provenance/link_map.h"
#include "provenance/package_note.h"
#include "provenance/sbom.h"
#include "support/diagnostics.h"
#include "support/quoting.h"
#include "support/regular_file.h"
#include "support/subprocess.h"
#include "verify/symbol_versions.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

namespace portable_ld {

namespace {

// Past this many nested portable-ld processes (a backend script that calls portable-ld
// again, counted in PORTABLE_LD_DEPTH) it is a loop, not a build.
constexpr int k_max_depth = 4;

// Roles whose output Go parses: nothing of ours may be printed there, not even a
// warning about the log.
bool is_silent_role(Role role) { return role != Role::FinalLink; }

// How a step ended: the exit status and the log's result.
struct Outcome {
  int exit_code;
  Result result;
};

// dpkg's database, where Debian keeps which package ships which file.
constexpr const char *k_dpkg_admindir = "/var/lib/dpkg";
// A dependency file larger than this is not a linker's list of its inputs.
constexpr uint64_t k_dependency_file_limit = 256 << 20;
// A map file larger than this is left unread (cmd/go's, through GNU ld, is about 2 MB).
constexpr uint64_t k_link_map_limit = 1024 << 20;

// A file of portable-ld's own (its response file, its dependency file), removed once
// used, and on every way out.
struct TemporaryFile {
  std::string path; // empty: none
  void remove() {
    if (!path.empty()) {
      llvm::sys::fs::remove(path);
      path.clear();
    }
  }
  ~TemporaryFile() { remove(); }
};

// Why a failed link refused what provenance added to it, from what the tools said
// (without_driver_echo()): a linker without --dependency-file (GNU ld before 2.35), one
// that refused -Map, one that refused the package note's object. None when the link
// failed on its own.
std::optional<std::string> provenance_refusal(const std::string &said,
                                              const std::string &link_map,
                                              const std::string &note_object) {
  auto names = [&](const std::string &text) {
    return !text.empty() && said.find(text) != std::string::npos;
  };
  if (names("--dependency-file")) {
    return "the linker does not know --dependency-file";
  }
  if (names(link_map)) {
    return "the linker refused -Map";
  }
  if (names(note_object) || (!note_object.empty() && names(".note.package"))) {
    return "the linker refused the package note's object";
  }
  return std::nullopt;
}

class Wrapper {
public:
  // The driver arguments start at argv[first_arg].
  Wrapper(const std::vector<std::string> &argv, size_t first_arg, Config config)
      : m_start(Clock::now()), m_first_arg(first_arg), m_config(std::move(config)) {
    m_record.argv_received = argv;
  }

  int run();

private:
  Invocation classify_arguments();
  std::vector<std::string> driver_args() const;
  void record_request(const Invocation &invocation);
  std::optional<Outcome> resolve_backend(std::string &program);
  StaticFailure explain_static_link(const std::string &program, const Invocation &invocation,
                                    const std::string &linker_output);
  std::vector<PkgConfigAnswer> pkg_config_answers(const std::vector<std::string> &needing);
  void choose_linker_for_gold(const std::string &program, const Invocation &invocation,
                              LinkPlan &plan);
  std::optional<Outcome> use_glibc_floor(const std::string &program,
                                         const Invocation &invocation, LinkPlan &plan);
  std::optional<Outcome> explain_floor_failure(const LinkPlan &plan, int code,
                                               const std::string &linker_output);
  std::optional<std::string> ask_for_dependency_file(const Invocation &invocation,
                                                     LinkPlan &plan, TemporaryFile &temporary);
  std::optional<std::string> ask_for_link_map(const Invocation &invocation, LinkPlan &plan,
                                              TemporaryFile &temporary, bool may_add);
  void record_provenance(const std::string &dependency_file, const HashesByIdentity &ahead,
                         const std::string &own_object,
                         const std::optional<std::string> &link_map);
  void reserve_package_note(const Invocation &invocation, LinkPlan &plan,
                            TemporaryFile &object);
  void fill_package_note_of(const std::string &output, const SbomSubject &subject);
  SbomSubject sbom_subject(const std::string &output) const;
  void write_sbom_beside(const std::string &output, const SbomSubject &subject);
  std::optional<Outcome> write_own_response_file(const LinkPlan &plan,
                                                 TemporaryFile &response_file);
  Outcome become_backend(const std::string &program, const LinkPlan &plan);
  Outcome run_backend(const std::string &program, const LinkPlan &plan,
                      TemporaryFile &response_file, std::string &linker_output);
  Outcome explain_failure(const std::string &program, const Invocation &invocation,
                          const LinkPlan &plan, ExitStatus status,
                          const std::string &linker_output);
  Outcome verify_output(const LinkPlan &plan, const Invocation &invocation,
                        const std::string &linker_output);
  void remove_cut_short_output(const std::string &output, int signal);
  // After a failed Go link: the backend targets another architecture than $GOARCH.
  std::optional<std::string> backend_arch_mismatch(const std::string &program);
  Outcome fail(int exit_code, Result result, const std::string &message,
               const std::string &hint, const std::vector<std::string> &notes = {});
  int finish(Outcome outcome, const LinkPlan *plan, const Invocation *invocation);

  Clock::time_point m_start;
  std::chrono::system_clock::time_point m_backend_started; // to compare with file times
  size_t m_first_arg;
  Config m_config;
  Diagnostics m_diagnostics;
  InvocationRecord m_record;
  std::optional<GlibcFloor> m_glibc_floor; // PORTABLE_LD_GLIBC's stubs, once prepared
};

// argv -> invocation -> backend -> plan -> run -> explain a failure or verify -> log.
int Wrapper::run() {
  Invocation invocation = classify_arguments();
  std::string program;
  if (std::optional<Outcome> failed = resolve_backend(program)) {
    return finish(*failed, nullptr, nullptr);
  }
  llvm::Expected<LinkPlan> plan = plan_link(invocation, driver_args(), m_config);
  record_request(invocation);
  if (!plan) {
    return finish(fail(k_exit_usage, Result::Error, llvm::toString(plan.takeError()),
                       "a shared library cannot be static: drop the static request for this "
                       "link, or build a static archive (Go: -buildmode=c-archive)"),
                  nullptr, nullptr);
  }
  if (asks_for_gold(invocation)) {
    choose_linker_for_gold(program, invocation, *plan);
  }
  m_record.changes = plan->changes;
  if (plan->becomes_backend) {
    return finish(become_backend(program, *plan), nullptr, nullptr);
  }
  if (wants_glibc_floor(invocation, *plan, m_config)) {
    if (std::optional<Outcome> failed = use_glibc_floor(program, invocation, *plan)) {
      return finish(*failed, nullptr, nullptr);
    }
  }
  TemporaryFile response_file;
  if (std::optional<Outcome> failed = write_own_response_file(*plan, response_file)) {
    return finish(*failed, nullptr, nullptr); // stopped before the backend: no bundle
  }
  if (wants_linker_choice(invocation, m_config)) {
    if (std::optional<std::string> linker =
            choose_fuse_ld(m_config.fuse_ld, m_config.backend, program)) {
      add_linker(*plan, *linker, m_config);
      m_record.changes = plan->changes;
    }
  }

  TemporaryFile temporary_dependency_file;
  TemporaryFile note_object;
  TemporaryFile temporary_link_map;
  std::optional<std::string> dependency_file;
  std::optional<std::string> link_map;
  std::atomic<bool> stop_hashing{false};
  std::future<HashesByIdentity> hashed_ahead;
  if (wants_provenance(invocation, *plan, m_config)) {
    dependency_file = ask_for_dependency_file(invocation, *plan, temporary_dependency_file);
    // Not into a dependency file of the build's own: a make rule would wait for the
    // temporary object it named.
    bool own_dependency_file = temporary_dependency_file.path.empty();
    if (dependency_file && !own_dependency_file) {
      reserve_package_note(invocation, *plan, note_object);
    }
    if (dependency_file) {
      link_map = ask_for_link_map(invocation, *plan, temporary_link_map,
                                  /*may_add=*/!own_dependency_file);
    }
    // The link's own inputs are hashed while the backend links them.
    hashed_ahead = std::async(std::launch::async, hash_files_ahead, invocation.inputs,
                              std::cref(stop_hashing));
  }

  std::string linker_output;
  Outcome outcome = run_backend(program, *plan, response_file, linker_output);
  std::optional<std::string> refusal;
  if (outcome.result == Result::BackendFailed && !plan->provenance_words.empty()) {
    refusal = provenance_refusal(without_driver_echo(linker_output), temporary_link_map.path,
                                 note_object.path);
  }
  if (refusal) {
    // The link runs again as asked, and goes without provenance rather than fail where
    // plain cc would not.
    const std::string &reason = *refusal;
    drop_provenance(*plan);
    m_record.changes = plan->changes;
    m_record.warnings.push_back("provenance: " + reason +
                                "; linked again without it, and no inputs recorded");
    m_diagnostics.warn("provenance: {}; linked again without it", reason);
    note_object.remove();
    temporary_link_map.remove();
    dependency_file.reset();
    link_map.reset();
    if (std::optional<Outcome> failed = write_own_response_file(*plan, response_file)) {
      return finish(*failed, nullptr, nullptr);
    }
    linker_output.clear();
    outcome = run_backend(program, *plan, response_file, linker_output);
  }
  if (outcome.result != Result::Passthrough) {
    stop_hashing = true;
  }
  if (outcome.result == Result::Passthrough && plan->role == Role::FinalLink) {
    if (dependency_file) {
      record_provenance(*dependency_file,
                        hashed_ahead.valid() ? hashed_ahead.get() : HashesByIdentity{},
                        note_object.path, link_map);
    }
    outcome = verify_output(*plan, invocation, linker_output);
    if (wants_provenance(invocation, *plan, m_config) && outcome.exit_code == 0) {
      SbomSubject subject = sbom_subject(*plan->output);
      if (!note_object.path.empty()) {
        fill_package_note_of(*plan->output, subject);
      }
      write_sbom_beside(*plan->output, subject);
    }
  } else if (outcome.result == Result::BackendFailed) {
    outcome = explain_failure(program, invocation, *plan, *m_record.backend_status,
                              linker_output);
  }
  return finish(outcome, &*plan, &invocation);
}

// The driver arguments as the build passed them (@files unexpanded).
std::vector<std::string> Wrapper::driver_args() const {
  return {m_record.argv_received.begin() + m_first_arg, m_record.argv_received.end()};
}

// A final link's static request and output, in the record even when the plan fails.
void Wrapper::record_request(const Invocation &invocation) {
  StaticRequest request = static_request_of(invocation, m_config);
  m_record.static_requested = request.requested;
  m_record.static_source = request.source;
  if (invocation.role == Role::FinalLink) {
    m_record.output = invocation.output_path();
  }
}

Invocation Wrapper::classify_arguments() {
  // @response files are expanded for analysis; the original argv is what runs.
  const std::vector<std::string> &argv = m_record.argv_received;
  ExpandedArgs expanded = expand_response_files({argv.begin() + m_first_arg, argv.end()});
  Invocation invocation = classify(std::move(expanded.args), expanded.expanded);
  m_record.role = invocation.role;
  if (invocation.expanded_response_file) {
    m_record.expanded = invocation.args;
  }
  return invocation;
}

// The backend: resolved on PATH, never portable-ld itself, never nested too deep.
std::optional<Outcome> Wrapper::resolve_backend(std::string &program) {
  const std::string &name = m_config.backend[0];
  const std::string origin = describe_backend_origin(m_config);
  llvm::Expected<std::string> resolved = resolve_program(name);
  if (!resolved) {
    RunError error = take_run_error(resolved.takeError());
    return fail(exit_code_for_exec(error.code), Result::Error,
                "cannot run '" + abbreviate_path(name) + "': " + error.reason,
                error.found_only_relative
                    ? "give PORTABLE_LD_CC (or cc in the config file) as an absolute path, or "
                      "put the compiler's directory in PATH as an absolute path"
                : !m_config.backend_package_hint.empty() ? m_config.backend_package_hint
                : m_config.backend_origin == BackendOrigin::Default
                    ? "install a C compiler driver (Debian: gcc), or set PORTABLE_LD_CC"
                    : "check " + origin + ", which names the backend");
  }
  std::string self = llvm::sys::fs::getMainExecutable(nullptr, nullptr);
  bool is_self = false;
  if (!self.empty() && !llvm::sys::fs::equivalent(*resolved, self, is_self) && is_self) {
    return fail(k_exit_usage, Result::Error,
                "backend '" + name + "' (" + origin + ") resolves to portable-ld itself ('" +
                    *resolved + "')",
                "set PORTABLE_LD_CC (or cc in the config file) to the real compiler driver, "
                "e.g. gcc or clang");
  }
  if (m_config.depth >= k_max_depth) {
    return fail(k_exit_usage, Result::Error,
                "portable-ld is nested " + std::to_string(k_max_depth) + " deep: backend '" +
                    *resolved + "' runs portable-ld again",
                "set PORTABLE_LD_CC (or cc in the config file) to a compiler driver that does "
                "not call portable-ld");
  }
  program = std::move(*resolved);
  m_record.backend = program;
  return std::nullopt;
}

std::vector<std::string> backend_environment(const Config &config) {
  return environment_with(k_depth_variable, std::to_string(config.depth + 1));
}

// Returns only when the exec failed.
Outcome Wrapper::become_backend(const std::string &program, const LinkPlan &plan) {
  m_record.argv_run = backend_argv(plan, std::nullopt);
  std::error_code error = exec_program(program, m_record.argv_run, backend_environment(m_config));
  return fail(exit_code_for_exec(error), Result::Error,
              "cannot run '" + m_config.backend[0] + "': " + error.message(), "");
}

// Writes the rewritten arguments into portable-ld's own response file, when the plan
// says so; the outcome of a failure.
// Go asks for gold: keep it where the backend runs it, else use a linker it does run.
void Wrapper::choose_linker_for_gold(const std::string &program, const Invocation &invocation,
                                     LinkPlan &plan) {
  std::optional<std::string> linker = linker_for_gold(m_config.backend, program);
  if (!linker) {
    plan.no_linker_for_gold = true;
  } else if (*linker != "gold") {
    replace_gold(plan, invocation, *linker);
  }
}

// PORTABLE_LD_GLIBC: the link runs against the floor's stubs (made on first use).
std::optional<Outcome> Wrapper::use_glibc_floor(const std::string &program,
                                                const Invocation &invocation, LinkPlan &plan) {
  const std::string &floor = *m_config.glibc_floor;
  llvm::Expected<GlibcFloor> prepared = prepare_glibc_floor(floor, program, m_config.backend);
  if (!prepared) {
    RunError error = take_run_error(prepared.takeError());
    bool unsupported = error.code == std::errc::not_supported;
    return fail(unsupported ? k_exit_usage : k_exit_internal, Result::Error,
                fmt::format("glibc floor {}: {}", floor, error.reason),
                unsupported ? "unset PORTABLE_LD_GLIBC for this backend, or use a backend for "
                              "amd64 or arm64 (e.g. x86_64-linux-gnu-gcc, aarch64-linux-gnu-gcc)"
                            : "check that the backend links ordinary programs ('" +
                                  m_config.backend[0] +
                                  " hello.c'); the stubs are built with it");
  }
  // A shared library has no start-up of its own.
  add_glibc_floor(plan, invocation, glibc_floor_leading_args(*prepared),
                  glibc_floor_trailing_args(*prepared,
                                            invocation.product != Product::SharedLibrary,
                                            invocation.args));
  m_record.changes = plan.changes;
  m_record.glibc_floor = floor;
  m_glibc_floor = std::move(*prepared);
  return std::nullopt;
}

// A link against the floor's stubs that failed on symbols only newer glibc versions have:
// name each, with its version.
std::optional<Outcome> Wrapper::explain_floor_failure(const LinkPlan &plan, int code,
                                                      const std::string &linker_output) {
  std::vector<UndefinedReference> references = undefined_references(linker_output);
  std::vector<std::string> symbols;
  for (const UndefinedReference &reference : references) {
    symbols.push_back(reference.symbol);
  }
  std::vector<SymbolAboveFloor> above = symbols_above_floor(*m_glibc_floor, symbols);
  if (above.empty()) {
    return std::nullopt;
  }
  std::vector<std::string> notes;
  std::string newest = m_glibc_floor->floor;
  for (const SymbolAboveFloor &symbol : above) {
    std::string from;
    for (const UndefinedReference &reference : references) {
      if (reference.symbol == symbol.symbol && !reference.from.empty()) {
        from = fmt::format(" (used by '{}')", reference.from);
        break;
      }
    }
    notes.push_back(fmt::format("{} needs {}, newer than the floor {}{}", symbol.symbol,
                                symbol.version, m_glibc_floor->floor, from));
    std::string_view version = split_symbol_version(symbol.version).version;
    if (compare_versions(version, newest) > 0) {
      newest = std::string(version);
    }
  }
  return fail(code, Result::BackendFailed,
              fmt::format("glibc floor {}: the link needs {} newer than the floor",
                          m_glibc_floor->floor,
                          above.size() == 1 ? "a symbol" : std::to_string(above.size()) + " symbols"),
              fmt::format("raise PORTABLE_LD_GLIBC to {}, or keep these functions out of the "
                          "program built for older systems (for Go, a build tag or a pure-Go "
                          "replacement)",
                          newest),
              notes);
}

std::optional<Outcome> Wrapper::write_own_response_file(const LinkPlan &plan,
                                                        TemporaryFile &response_file) {
  if (!plan.own_response_file) {
    return std::nullopt;
  }
  llvm::Expected<std::string> path = create_response_file(plan.args);
  if (!path) {
    return fail(k_exit_internal, Result::Error, llvm::toString(path.takeError()), "");
  }
  response_file.path = std::move(*path);
  return std::nullopt;
}

// The dependency file the linker will write: the one the link asks for itself, else a
// temporary one of portable-ld's (removed on every way out). None when it cannot be made.
std::optional<std::string> Wrapper::ask_for_dependency_file(const Invocation &invocation,
                                                            LinkPlan &plan,
                                                            TemporaryFile &temporary) {
  if (std::optional<std::string> own = own_dependency_file(invocation)) {
    return own;
  }
  llvm::SmallString<128> path;
  if (std::error_code error =
          llvm::sys::fs::createTemporaryFile("portable-ld-inputs", "d", path)) {
    m_record.warnings.push_back("provenance: cannot create a temporary file: " +
                                error.message());
    return std::nullopt;
  }
  temporary.path = path.str().str();
  add_provenance(plan, temporary.path);
  m_record.changes = plan.changes;
  return temporary.path;
}

// The map file the linker writes: the link's own, else, when `may_add`, one of
// portable-ld's. None when the link prints its map (-M) or its --cref table to stdout,
// which a map file would silence.
std::optional<std::string> Wrapper::ask_for_link_map(const Invocation &invocation,
                                                     LinkPlan &plan, TemporaryFile &temporary,
                                                     bool may_add) {
  if (std::optional<std::string> own = own_link_map(invocation)) {
    return *own == "-" ? std::nullopt : own;
  }
  if (!may_add) {
    return std::nullopt; // a link with its own dependency file gets nothing added
  }
  llvm::SmallString<128> path;
  if (std::error_code error = llvm::sys::fs::createTemporaryFile("portable-ld-map", "map", path)) {
    m_record.warnings.push_back("provenance: no archive members: cannot create a temporary "
                                "file: " + error.message());
    return std::nullopt;
  }
  temporary.path = path.str().str();
  add_link_map(plan, temporary.path);
  m_record.changes = plan.changes;
  return temporary.path;
}

// The files the linker read, described, into the record (but for `own_object`, the
// package note's), with the archive members its map names. Never fails the link.
void Wrapper::record_provenance(const std::string &dependency_file,
                                const HashesByIdentity &ahead, const std::string &own_object,
                                const std::optional<std::string> &link_map) {
  // A regular file only: a link may name a FIFO or a device for its own dependency file.
  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> rule =
      read_regular_file(dependency_file, k_dependency_file_limit);
  if (!rule) {
    m_record.warnings.push_back("provenance: cannot read '" + dependency_file +
                                "': " + llvm::toString(rule.takeError()));
    return;
  }
  std::vector<std::string> inputs = dependency_file_inputs((*rule)->getBuffer());
  // The package note's object is portable-ld's, not the program's.
  std::erase(inputs, own_object);
  if (inputs.empty()) {
    m_record.warnings.push_back("provenance: the linker listed no input in '" +
                                dependency_file + "'");
    return;
  }
  m_record.provenance =
      describe_link_inputs(inputs, k_dpkg_admindir, m_record.warnings, ahead);
  if (!link_map) {
    return;
  }
  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> map =
      read_regular_file(*link_map, k_link_map_limit);
  if (!map) {
    m_record.warnings.push_back("provenance: no archive members: cannot read '" + *link_map +
                                "': " + llvm::toString(map.takeError()));
    return;
  }
  std::vector<std::string> thin_members =
      fill_archive_members(*m_record.provenance, (*map)->getBuffer(), m_record.warnings);
  if (!thin_members.empty()) {
    std::vector<LinkInput> more =
        describe_link_inputs(thin_members, k_dpkg_admindir, m_record.warnings, ahead);
    m_record.provenance->insert(m_record.provenance->end(), std::make_move_iterator(more.begin()),
                                std::make_move_iterator(more.end()));
  }
}

// The package note's object, for the target of the link's first ELF object (the link's
// own inputs, read before it runs). None when the link has no ELF object (a one-step
// `cc main.c`, whose object the driver makes), names its own --package-metadata or its
// own linker script, or writes a raw image (--oformat=binary).
void Wrapper::reserve_package_note(const Invocation &invocation, LinkPlan &plan,
                                   TemporaryFile &object) {
  if (names_package_metadata(invocation) || names_non_elf_output(invocation)) {
    return;
  }
  if (names_linker_script(invocation)) {
    return; // its layout is the script's: 2 KiB more may not fit its regions
  }
  std::optional<ElfTarget> target;
  for (const std::string &input : invocation.inputs) {
    llvm::Expected<std::string> head = read_regular_file_head(input, 64);
    if (!head) {
      llvm::consumeError(head.takeError());
      continue;
    }
    if ((target = elf_target_of(*head))) {
      break;
    }
  }
  if (!target) {
    return;
  }
  llvm::SmallString<128> path;
  if (std::error_code error = llvm::sys::fs::createTemporaryFile("portable-ld-note", "o", path)) {
    m_record.warnings.push_back("provenance: no package note: cannot create a temporary file: " +
                                error.message());
    return;
  }
  object.path = path.str().str();
  if (llvm::Error error = write_whole_file(object.path, reserved_note_object(*target))) {
    m_record.warnings.push_back("provenance: no package note: " +
                                llvm::toString(std::move(error)));
    object.remove();
    return;
  }
  add_package_note(plan, object.path);
  m_record.changes = plan.changes;
}

// The reserved note of `output`, written: the program and the packages linked into it
// (without them when the linker listed no inputs: the reserved text would say nothing).
void Wrapper::fill_package_note_of(const std::string &output, const SbomSubject &subject) {
  std::string json = package_note_json(subject, m_record.verdict ? m_record.verdict->arch : "",
                                       /*inputs_known=*/m_record.provenance.has_value());
  if (llvm::Error error = fill_package_note(output, json)) {
    std::string reason = "provenance: no package note: " + llvm::toString(std::move(error));
    m_record.warnings.push_back(reason);
    m_diagnostics.warn("{}", reason);
    return;
  }
  m_record.package_note = json;
  if (m_record.verdict) {
    // Verified before the note was written: the verdict says what the file now holds.
    std::replace(m_record.verdict->package_notes.begin(), m_record.verdict->package_notes.end(),
                 std::string(k_reserved_note_text), json);
  }
}

// What the SBOM and the package note describe.
SbomSubject Wrapper::sbom_subject(const std::string &output) const {
  SbomSubject subject;
  subject.file_name = llvm::sys::path::filename(output).str();
  if (m_record.verdict && m_record.verdict->go) {
    subject.go = &*m_record.verdict->go;
  }
  if (m_record.provenance) {
    subject.inputs = *m_record.provenance;
  }
  subject.distribution = read_distribution();
  // Where the compiler driver (TMPDIR, TMP, TEMP, then /tmp, /var/tmp) and Go (TMPDIR,
  // then /tmp) put their temporary files.
  for (const char *variable : {"TMPDIR", "TMP", "TEMP"}) {
    if (const char *directory = std::getenv(variable); directory && *directory == '/') {
      subject.temporary_directories.emplace_back(directory);
    }
  }
  subject.temporary_directories.insert(subject.temporary_directories.end(),
                                       {"/tmp", "/var/tmp"});
  return subject;
}

// OUTPUT.cdx.json, of the provenance recorded. Without provenance (the linker listed
// nothing), an older link's document, which would describe another program, is removed.
// Never fails the link.
void Wrapper::write_sbom_beside(const std::string &output, const SbomSubject &subject) {
  if (!llvm::sys::fs::is_regular_file(output)) {
    return; // /dev/null, a FIFO: nothing to describe, nowhere beside it to write
  }
  std::string path = output + ".cdx.json";
  if (!m_record.provenance) {
    if (llvm::sys::fs::is_regular_file(path)) {
      llvm::sys::fs::remove(path);
    }
    return;
  }
  if (llvm::Error error = write_sbom(path, cyclonedx_document(subject))) {
    std::string reason = "provenance: no SBOM: " + llvm::toString(std::move(error));
    m_record.warnings.push_back(reason);
    m_diagnostics.warn("{}", reason);
    return;
  }
  m_record.sbom = path;
}

// Runs the plan; Passthrough when the backend exited 0, BackendFailed otherwise.
Outcome Wrapper::run_backend(const std::string &program, const LinkPlan &plan,
                             TemporaryFile &response_file, std::string &linker_output) {
  m_record.argv_run =
      backend_argv(plan, response_file.path.empty() ? std::nullopt
                                                    : std::optional<std::string>(response_file.path));

  Clock::time_point backend_start = Clock::now();
  m_backend_started = std::chrono::system_clock::now();
  llvm::Expected<SpawnResult> spawned = spawn_and_wait(
      {program, m_record.argv_run, backend_environment(m_config), plan.stderr_mode});
  m_record.backend_ms = ms_since(backend_start);
  response_file.remove();
  if (!spawned) {
    RunError error = take_run_error(spawned.takeError());
    return fail(exit_code_for_exec(error.code), Result::Error,
                "cannot run '" + m_config.backend[0] + "': " + error.reason, "");
  }
  m_record.backend_status = spawned->status;
  if (plan.compiler_id_query) {
    llvm::errs() << stamp_compiler_id(spawned->captured_stderr, m_config);
  }
  linker_output = std::move(spawned->captured_stderr);
  int code = spawned->status.shell_code();
  return {code, code == 0 ? Result::Passthrough : Result::BackendFailed};
}

// A failed backend: say why when we can tell; its status is passed through either way.
Outcome Wrapper::explain_failure(const std::string &program, const Invocation &invocation,
                                 const LinkPlan &plan, ExitStatus status,
                                 const std::string &linker_output) {
  const int code = status.shell_code();
  if (status.signal != 0) {
    if (plan.role == Role::FinalLink && plan.output) {
      remove_cut_short_output(*plan.output, status.signal);
    }
    return {code, Result::BackendFailed};
  }
  if (m_glibc_floor) {
    if (std::optional<Outcome> explained = explain_floor_failure(plan, code, linker_output)) {
      return *explained;
    }
  }
  if (plan.no_linker_for_gold) {
    return fail(code, Result::BackendFailed,
                fmt::format("Go asks for -fuse-ld=gold, and {} runs none of gold, lld, mold "
                            "and bfd",
                            program),
                "install gold (Debian bookworm: binutils; for a cross compiler "
                "binutils-<triple>) or lld (package lld), or set PORTABLE_LD_CC to a "
                "compiler that has one");
  }
  // A Go link for another GOARCH fails with "file in wrong format" when the backend is
  // the host's compiler: say which two architectures disagree.
  if (plan.role == Role::FinalLink && invocation.from_go) {
    if (std::optional<std::string> mismatch = backend_arch_mismatch(program)) {
      return fail(code, Result::BackendFailed, *mismatch,
                  fmt::format("set PORTABLE_LD_CC to a C compiler for {0} (Debian: "
                              "gcc-<triple>, e.g. aarch64-linux-gnu-gcc from "
                              "gcc-aarch64-linux-gnu for arm64)",
                              m_config.goarch));
    }
  }
  if (plan.static_request.requested) {
    StaticFailure failure = explain_static_link(program, invocation, linker_output);
    return fail(code, Result::BackendFailed, "static link failed: " + failure.reason,
                failure.hint, failure.notes);
  }
  return {code, Result::BackendFailed};
}

// Why a static link failed: the linker's words, and for undefined symbols the libraries
// that define them, where the backend looks for libraries (library_search.h).
StaticFailure Wrapper::explain_static_link(const std::string &program,
                                           const Invocation &invocation,
                                           const std::string &linker_output) {
  std::vector<std::string> argv = m_config.backend;
  argv.push_back("-print-search-dirs");
  int status = 0;
  std::vector<std::string> directories;
  if (llvm::Expected<std::string> dirs =
          run_capturing_stdout(program, argv, {}, status, StderrMode::Capture)) {
    directories = library_directories(*dirs);
  } else {
    llvm::consumeError(dirs.takeError());
  }
  std::vector<UndefinedReference> references = undefined_references(linker_output);
  if (references.empty()) {
    return explain_static_failure(linker_output, directories);
  }
  std::vector<std::string> symbols;
  for (const UndefinedReference &reference : references) {
    symbols.push_back(reference.symbol);
  }
  MissingLibraries missing = describe_missing(references, find_definers(symbols, directories));
  return explain_missing_libraries(missing, pkg_config_answers(missing.needing),
                                   invocation.from_go);
}

// pkg-config's --static answer for each needing -lNAME that has a module; none without
// pkg-config.
std::vector<PkgConfigAnswer>
Wrapper::pkg_config_answers(const std::vector<std::string> &needing) {
  std::vector<PkgConfigAnswer> answers;
  llvm::Expected<std::string> pkg_config = resolve_program("pkg-config");
  if (!pkg_config) {
    llvm::consumeError(pkg_config.takeError());
    return answers;
  }
  int status = 0;
  llvm::Expected<std::string> pc_path = run_capturing_stdout(
      *pkg_config, {"pkg-config", "--variable", "pc_path", "pkg-config"}, {}, status,
      StderrMode::Capture);
  if (!pc_path) {
    llvm::consumeError(pc_path.takeError());
    return answers;
  }
  std::vector<std::string> pc_directories;
  llvm::SmallVector<llvm::StringRef, 8> parts;
  llvm::StringRef(*pc_path).trim().split(parts, ':', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef part : parts) {
    pc_directories.push_back(part.str());
  }
  for (const std::string &flag : needing) {
    std::optional<std::string> module = pkg_config_module_for(flag.substr(2), pc_directories);
    if (!module) {
      continue;
    }
    llvm::Expected<std::string> libs = run_capturing_stdout(
        *pkg_config, {"pkg-config", "--static", "--libs", *module}, {}, status,
        StderrMode::Capture);
    if (libs && status == 0) {
      answers.push_back({*module, llvm::StringRef(*libs).trim().str()});
    } else if (!libs) {
      llvm::consumeError(libs.takeError());
    }
  }
  return answers;
}

// A backend killed by a signal may leave its output half-written (GNU ld writes in place),
// and the next build would take it for up to date. As make does for an interrupted
// recipe, the output goes when it changed after the backend started; an older file the
// backend never reached stays.
void Wrapper::remove_cut_short_output(const std::string &output, int signal) {
  llvm::sys::fs::file_status status;
  if (llvm::sys::fs::status(output, status) || status.type() != llvm::sys::fs::file_type::regular_file ||
      status.getLastModificationTime() < m_backend_started - std::chrono::seconds(1)) {
    return;
  }
  if (!llvm::sys::fs::remove(output)) {
    m_diagnostics.note("removed '{}': the backend was killed by signal {} while it linked",
                       output, signal);
    m_record.warnings.push_back(
        fmt::format("removed '{}', written by a backend killed by signal {}", output, signal));
  }
}

std::optional<std::string> Wrapper::backend_arch_mismatch(const std::string &program) {
  if (m_config.goarch.empty()) {
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
  if (status != 0 || !backend_goarch || *backend_goarch == m_config.goarch) {
    return std::nullopt;
  }
  return fmt::format("backend '{}' builds for {} ({}), but GOARCH is {}", m_config.backend[0],
                     *backend_goarch, llvm::StringRef(*triple).trim().str(), m_config.goarch);
}

Outcome Wrapper::verify_output(const LinkPlan &plan, const Invocation &invocation,
                               const std::string &linker_output) {
  Requirements requirements;
  requirements.static_required = plan.static_request.requested;
  requirements.nss = m_config.nss;
  requirements.portability = m_config.portability;
  if (invocation.from_go) {
    requirements.goarch = m_config.goarch;
  }

  Clock::time_point verify_start = Clock::now();
  std::optional<std::string_view> read_output;
  if (plan.stderr_mode == StderrMode::Tee) {
    read_output = linker_output;
  }
  llvm::Expected<JudgedOutput> judged = judge_output(*plan.output, requirements, read_output);
  m_record.verify_ms = ms_since(verify_start);
  if (!judged) {
    std::string reason = llvm::toString(judged.takeError());
    // Nothing was required of this output: a format portable-ld does not read
    // (--oformat=binary, wasm, a fat Mach-O) is the build's business. Logged, and the
    // link stands.
    if (requirements.none()) {
      m_record.warnings.push_back("output not verified: " + reason);
      return {0, Result::Unverified};
    }
    return fail(k_exit_bad_output, Result::BadOutput,
                "link succeeded but its output cannot be verified: " + reason, "");
  }
  record_judgement(m_record, *judged);
  if (!judged->rejected()) {
    report_all(m_diagnostics, judged->violations, "", /*show_warnings=*/true);
    return {0, Result::Ok};
  }
  // A violation without a hint of its own: what in the command made the link dynamic.
  std::optional<std::string> culprit = dynamic_culprit(m_record.argv_run);
  report_all(m_diagnostics, judged->violations,
             culprit ? fmt::format("'{}' in the link command makes it dynamic; remove it, or "
                                   "link that library's static archive",
                                   *culprit)
                     : "the backend ignored -static; check PORTABLE_LD_CC, and 'argv_run' in "
                       "the log for the command that ran",
             /*show_warnings=*/true);
  remove_rejected_output(m_diagnostics, *plan.output);
  return {k_exit_not_static, Result::VerifyFailed};
}

Outcome Wrapper::fail(int exit_code, Result result, const std::string &message,
                      const std::string &hint, const std::vector<std::string> &notes) {
  m_diagnostics.error("{}", message);
  for (const std::string &note : notes) {
    m_diagnostics.note("{}", note);
  }
  if (!hint.empty()) {
    m_diagnostics.hint("{}", hint);
  }
  m_record.errors.push_back(message);
  return {exit_code, result};
}

// Leaves a reproducer when one is asked for, and logs.
int Wrapper::finish(Outcome outcome, const LinkPlan *plan, const Invocation *invocation) {
  if (plan && plan->reproducible && (outcome.exit_code != 0 || m_config.reproduce_always)) {
    m_record.exit_code = outcome.exit_code;
    m_record.result = outcome.result;
    llvm::Expected<std::string> bundle = write_reproducer(
        *m_config.reproduce_dir, m_record, *invocation, expanded_backend_argv(*plan), m_config);
    if (!bundle) {
      m_diagnostics.warn("cannot write a reproducer: {}", llvm::toString(bundle.takeError()));
    } else {
      m_record.reproducer = *bundle;
      if (outcome.exit_code != 0) {
        m_diagnostics.note("reproducer: '{}' (portable-ld replay '{}' runs it again)", *bundle,
                           *bundle);
      }
    }
  }
  return close_record(m_record, outcome.exit_code, outcome.result, m_start, m_config,
                      m_diagnostics, is_silent_role(m_record.role));
}

// Settings, with the name portable-ld was called by and a launcher's options on top.
llvm::Expected<Config> wrapper_config(const std::string &argv0,
                                      const std::optional<LauncherOptions> &launcher) {
  llvm::Expected<Config> config = load_config();
  if (config) {
    apply_program_name(*config, argv0);
    if (launcher) {
      apply_launcher(*config, *launcher);
    }
  }
  return config;
}

int run_with_config(const std::vector<std::string> &argv, size_t first_arg,
                    const std::optional<LauncherOptions> &launcher) {
  llvm::Expected<Config> config = wrapper_config(argv[0], launcher);
  if (!config) {
    Diagnostics diagnostics;
    report_settings_error(diagnostics, config.takeError());
    return k_exit_usage; // no trustworthy log path to record this in
  }
  return Wrapper(argv, first_arg, std::move(*config)).run();
}

} // namespace

void report_settings_error(Diagnostics &diagnostics, llvm::Error error) {
  diagnostics.error("{}", llvm::toString(std::move(error)));
  diagnostics.hint("see 'portable-ld --help' for the settings and their values");
}

int run_wrapper(const std::vector<std::string> &argv) {
  return run_with_config(argv, 1, std::nullopt);
}

int run_wrapper(const std::vector<std::string> &argv, Config config) {
  return Wrapper(argv, 1, std::move(config)).run();
}

namespace {

void print_launcher_help() {
  fmt::print(R"(USAGE: portable-ld --launcher [--static] [--glibc=VERSION] [--log=PATH] DRIVER [arguments...]

Runs the compiler driver DRIVER (cc, c++, ...) with the arguments, as the wrapper runs
its backend: DRIVER takes PORTABLE_LD_CC's place for this call, final links are
verified and logged, and the other settings apply as usual.

OPTIONS (before DRIVER):
  --static      final links must be static (log static_source: launcher)
  --glibc=VERSION  final links of dynamic programs are made for this glibc or newer,
                as PORTABLE_LD_GLIBC (docs/glibc-floor.md)
  --log=PATH    log to PATH instead of PORTABLE_LD_LOG: an absolute path, - for
                standard error, or off
  --help        print this help

CMake: CMAKE_CXX_LINKER_LAUNCHER="portable-ld;--launcher" (see docs/cmake.md).
EXIT CODES: as the wrapper's (portable-ld --help); 64 also for a launcher option that
  is not one of these, or no DRIVER.
)");
}

} // namespace

int run_launcher(const std::vector<std::string> &argv) {
  Diagnostics diagnostics;
  LauncherOptions options;
  size_t i = 2;
  for (; i < argv.size() && llvm::StringRef(argv[i]).startswith("--"); ++i) {
    llvm::StringRef option = argv[i];
    if (option == "--help") {
      print_launcher_help();
      return 0;
    }
    if (option == "--static") {
      options.static_request = true;
    } else if (option.consume_front("--glibc=")) {
      Config probe;
      if (llvm::Error error = set_glibc_floor(probe, option.str(), "--glibc")) {
        diagnostics.error("{}", llvm::toString(std::move(error)));
        return k_exit_usage;
      }
      options.glibc_floor = option.str();
    } else if (option.consume_front("--log=")) {
      llvm::Expected<std::optional<std::string>> log = parse_log_value(option.str(), "--log");
      if (!log) {
        diagnostics.error("{}", llvm::toString(log.takeError()));
        return k_exit_usage;
      }
      options.log = std::move(*log);
    } else {
      diagnostics.error("'{}' is not a launcher option (they are --static, --glibc=VERSION, "
                        "--log=PATH and --help)",
                        argv[i]);
      return k_exit_usage;
    }
  }
  if (i >= argv.size()) {
    diagnostics.error("--launcher needs the compiler driver to run");
    diagnostics.hint("usage: portable-ld --launcher [--static] [--glibc=VERSION] [--log=PATH] "
                     "DRIVER ARGS... "
                     "(CMake: CMAKE_CXX_LINKER_LAUNCHER=\"portable-ld;--launcher\")");
    return k_exit_usage;
  }
  options.driver = argv[i];
  return run_with_config(argv, i + 1, options);
}

} // namespace portable_ld
