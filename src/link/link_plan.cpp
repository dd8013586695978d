// SPDX-License-Identifier: Apache-2.0
#include "link/link_plan.h"

#include <algorithm>

#include <fmt/format.h>

#include "llvm/ADT/StringRef.h"

namespace portable_ld {

namespace {

bool chooses_linker(const std::string &arg) {
  return llvm::StringRef(arg).startswith("-fuse-ld=");
}

constexpr std::string_view k_gold = "-fuse-ld=gold";

bool is_compiler_id_query(const Invocation &invocation) {
  return invocation.role == Role::Query &&
         std::find(invocation.args.begin(), invocation.args.end(), "-###") !=
             invocation.args.end();
}

} // namespace

StaticRequest static_request_of(const Invocation &invocation, const Config &config) {
  if (invocation.role != Role::FinalLink) {
    return {};
  }
  if (config.static_requested) {
    return {true, config.static_source};
  }
  return invocation.static_in_args ? StaticRequest{true, StaticSource::Arguments}
                                   : StaticRequest{};
}

bool wants_linker_choice(const Invocation &invocation, const Config &config) {
  return invocation.role == Role::FinalLink && !config.fuse_ld.empty() &&
         std::none_of(invocation.args.begin(), invocation.args.end(), chooses_linker) &&
         std::none_of(config.backend.begin(), config.backend.end(), chooses_linker);
}

llvm::Expected<LinkPlan> plan_link(const Invocation &invocation,
                                   const std::vector<std::string> &original_args,
                                   const Config &config) {
  LinkPlan plan;
  plan.role = invocation.role;
  const bool final_link = invocation.role == Role::FinalLink;
  plan.static_request = static_request_of(invocation, config);
  if (final_link) {
    plan.output = invocation.output_path();
  }

  // Only final links change, and only for a static request or a linker choice.
  plan.args = original_args;
  plan.expanded_args = invocation.args;
  if (plan.static_request.requested) {
    llvm::Expected<StaticRewrite> rewrite = rewrite_for_static(invocation);
    if (!rewrite) {
      return rewrite.takeError();
    }
    plan.changes = std::move(rewrite->changes);
    if (!plan.changes.empty()) {
      plan.args = rewrite->args;
      plan.expanded_args = std::move(rewrite->args);
      // Keep the command line short, as the original did: our own response file.
      plan.own_response_file = invocation.expanded_response_file;
    }
  }
  plan.backend_words = config.backend;
  plan.reproducible = final_link && config.reproduce_dir.has_value();

  // Without a log and without verification nothing is left to do afterwards, so become
  // the backend (the ccache fallback): the fastest passthrough.
  plan.compiler_id_query = is_compiler_id_query(invocation);
  plan.becomes_backend = !final_link && !plan.compiler_id_query && !config.log_path;
  plan.stderr_mode = plan.compiler_id_query          ? StderrMode::Capture
                     : plan.static_request.requested ? StderrMode::Tee
                                                     : StderrMode::Inherit;
  return plan;
}

void add_linker(LinkPlan &plan, const std::string &linker, const Config &config) {
  plan.backend_words.push_back("-fuse-ld=" + linker);
  plan.changes.push_back(
      {"add", "", plan.backend_words.back(), "PORTABLE_LD_FUSE_LD=" + config.fuse_ld});
}

bool asks_for_gold(const Invocation &invocation) {
  // cmd/link's flag probes (trivial.c) carry the same flags: answered by the linker that
  // will link, or Go drops the flags they test (-no-pie) and links a broken binary.
  bool go_link = (invocation.role == Role::FinalLink && invocation.from_go) ||
                 invocation.role == Role::LinkProbe;
  return go_link &&
         std::find(invocation.args.begin(), invocation.args.end(), k_gold) !=
             invocation.args.end();
}

void replace_gold(LinkPlan &plan, const Invocation &invocation, const std::string &linker) {
  std::string replacement = "-fuse-ld=" + linker;
  std::replace(plan.expanded_args.begin(), plan.expanded_args.end(), std::string(k_gold),
               replacement);
  plan.args = plan.expanded_args;
  plan.own_response_file = invocation.expanded_response_file;
  plan.changes.push_back({"replace", std::string(k_gold), replacement,
                          "the backend cannot run gold, which Go asks for (shared Go code "
                          "on linux/arm64); " +
                              linker + " can"});
}

bool wants_glibc_floor(const Invocation &invocation, const LinkPlan &plan,
                       const Config &config) {
  return config.glibc_floor && plan.role == Role::FinalLink &&
         !plan.static_request.requested && !invocation.targets_darwin &&
         config.libc == Libc::Glibc;
}

bool wants_provenance(const Invocation &invocation, const LinkPlan &plan,
                      const Config &config) {
  // Into the log record, when there is a log, and the SBOM beside the output.
  return config.provenance && plan.role == Role::FinalLink && !invocation.targets_darwin;
}

namespace {

// The linker's words, in order, from -Wl,a,b and -Xlinker a.
std::vector<llvm::StringRef> linker_words(const std::vector<std::string> &args) {
  std::vector<llvm::StringRef> words;
  for (size_t i = 0; i < args.size(); ++i) {
    llvm::StringRef arg = args[i];
    if (arg.consume_front("-Wl,")) {
      llvm::SmallVector<llvm::StringRef, 4> parts;
      arg.split(parts, ',');
      words.insert(words.end(), parts.begin(), parts.end());
    } else if (arg == "-Xlinker" && i + 1 < args.size()) {
      words.push_back(args[++i]);
    }
  }
  return words;
}

} // namespace

bool names_linker_script(const Invocation &invocation) {
  auto is_script_option = [](llvm::StringRef word) {
    return word.startswith("-T") || word.startswith("-dT") || word.startswith("--script") ||
           word.startswith("-script") || word.startswith("--default-script");
  };
  for (const std::string &arg : invocation.args) {
    if (llvm::StringRef(arg).startswith("-T")) { // the driver's -T SCRIPT, -TSCRIPT
      return true;
    }
  }
  std::vector<llvm::StringRef> words = linker_words(invocation.args);
  return std::any_of(words.begin(), words.end(), is_script_option);
}

bool names_package_metadata(const Invocation &invocation) {
  std::vector<llvm::StringRef> words = linker_words(invocation.args);
  return std::any_of(words.begin(), words.end(), [](llvm::StringRef word) {
    return word.startswith("--package-metadata") || word.startswith("-package-metadata");
  });
}

namespace {

// The value of the last of the linker options `names` ("--name=V", "--name V"), or "-"
// when one of `printed` (which print to stdout instead) comes after it.
std::optional<std::string> last_linker_value(const Invocation &invocation,
                                             std::initializer_list<llvm::StringRef> names,
                                             std::initializer_list<llvm::StringRef> printed) {
  std::vector<llvm::StringRef> words = linker_words(invocation.args);
  std::optional<std::string> value;
  for (size_t i = 0; i < words.size(); ++i) {
    llvm::StringRef word = words[i];
    if (std::find(printed.begin(), printed.end(), word) != printed.end()) {
      value.emplace(1, '-'); // (= "-" trips GCC 12's -Wrestrict, a false positive)
      continue;
    }
    for (llvm::StringRef name : names) {
      llvm::StringRef rest = word;
      if (!rest.consume_front(name)) {
        continue;
      }
      if (rest.consume_front("=")) {
        value = rest.str();
      } else if (rest.empty() && i + 1 < words.size()) {
        value = words[++i].str();
      }
      break;
    }
  }
  return value;
}

} // namespace

std::optional<std::string> own_link_map(const Invocation &invocation) {
  std::optional<std::string> path =
      last_linker_value(invocation, {"--Map", "-Map"}, {"-M", "--print-map", "-print-map"});
  if (!path) {
    // --cref's table goes into the map file when there is one, else to stdout.
    std::vector<llvm::StringRef> words = linker_words(invocation.args);
    if (std::any_of(words.begin(), words.end(),
                    [](llvm::StringRef word) { return word == "--cref" || word == "-cref"; })) {
      path.emplace(1, '-');
    }
  }
  return path;
}

std::optional<std::string> own_dependency_file(const Invocation &invocation) {
  return last_linker_value(invocation, {"--dependency-file", "-dependency-file"}, {});
}

bool names_non_elf_output(const Invocation &invocation) {
  std::optional<std::string> format = last_linker_value(invocation, {"--oformat", "-oformat"}, {});
  return format && !llvm::StringRef(*format).startswith("elf");
}

void add_provenance(LinkPlan &plan, const std::string &path) {
  plan.provenance_words = {"-Xlinker", "--dependency-file=" + path};
  plan.stderr_mode = StderrMode::Tee;
  plan.changes.push_back({"add", "", "-Xlinker --dependency-file=" + path,
                          "PORTABLE_LD_PROVENANCE: the linker lists the files it reads"});
}

void add_link_map(LinkPlan &plan, const std::string &path) {
  plan.provenance_words.insert(plan.provenance_words.end(), {"-Xlinker", "-Map=" + path});
  plan.changes.push_back({"add", "", "-Xlinker -Map=" + path,
                          "PORTABLE_LD_PROVENANCE: the linker's map names the archive members "
                          "it took"});
}

void add_package_note(LinkPlan &plan, const std::string &object) {
  plan.provenance_words.push_back(object);
  plan.changes.push_back({"add", "", object,
                          "PORTABLE_LD_PROVENANCE: reserves the package note, written after "
                          "the link"});
}

void drop_provenance(LinkPlan &plan) {
  std::vector<std::string> dropped = std::move(plan.provenance_words);
  plan.provenance_words.clear();
  std::erase_if(plan.changes, [&](const ArgumentChange &change) {
    return llvm::StringRef(change.to).startswith("-Xlinker --dependency-file=") ||
           llvm::StringRef(change.to).startswith("-Xlinker -Map=") ||
           (change.from.empty() &&
            std::find(dropped.begin(), dropped.end(), change.to) != dropped.end());
  });
}

void add_glibc_floor(LinkPlan &plan, const Invocation &invocation,
                     const std::vector<FloorArgument> &leading,
                     const std::vector<FloorArgument> &trailing) {
  std::vector<std::string> before;
  for (const FloorArgument &added : leading) {
    before.push_back(added.arg);
  }
  plan.expanded_args.insert(plan.expanded_args.begin(), before.begin(), before.end());
  for (const FloorArgument &added : trailing) {
    plan.expanded_args.push_back(added.arg);
  }
  plan.args = plan.expanded_args;
  plan.own_response_file = invocation.expanded_response_file;
  plan.stderr_mode = StderrMode::Tee;
  for (const std::vector<FloorArgument> *list : {&leading, &trailing}) {
    for (const FloorArgument &added : *list) {
      plan.changes.push_back({"add", "", added.arg, added.reason});
    }
  }
}

std::vector<std::string> backend_argv(const LinkPlan &plan,
                                      const std::optional<std::string> &response_file) {
  std::vector<std::string> argv = plan.backend_words;
  argv.insert(argv.end(), plan.provenance_words.begin(), plan.provenance_words.end());
  if (response_file) {
    argv.push_back("@" + *response_file);
  } else {
    argv.insert(argv.end(), plan.args.begin(), plan.args.end());
  }
  return argv;
}

std::vector<std::string> expanded_backend_argv(const LinkPlan &plan) {
  std::vector<std::string> argv = plan.backend_words;
  argv.insert(argv.end(), plan.expanded_args.begin(), plan.expanded_args.end());
  return argv;
}

} // namespace portable_ld
