// SPDX-License-Identifier: Apache-2.0
#include "link/arguments.h"

#include <algorithm>
#include <string_view>

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ErrorHandling.h"

namespace portable_ld {

namespace {

enum OptionFlag : unsigned {
  TAKES_ARG = 1u << 0,    // the value may be the next argument (-o out)
  JOINED = 1u << 1,       // the value may be joined (-oout, -L/dir, -lfoo): prefix match
  OUTPUT = 1u << 2,       // the value is the output file
  COMPILE_ONLY = 1u << 3, // stops before linking
  QUERY = 1u << 4,        // informational; with no inputs nothing is compiled or linked
  LINK_SHARED = 1u << 5,  // produces a shared library
  LINK_PIE = 1u << 6,     // produces a PIE
  LINK_NO_PIE = 1u << 7,  // produces a position-dependent executable
  LINK_STATIC = 1u << 8,  // -static
  LINK_STATIC_PIE = 1u << 9,
  PARTIAL_LINK = 1u << 10, // -r: the output is an object file, not a final link
  VERBOSE = 1u << 11,      // -v: alone, prints the version
};

struct DriverOption {
  std::string_view name;
  unsigned flags;
};

// GCC/Clang driver options that matter for classification, sorted by name. Options not
// listed are flags without a separate value and do not change the mode.
// clang-format off
constexpr DriverOption k_driver_options[] = {
  {"-###",               QUERY},
  {"--help",             QUERY},
  {"--param",            TAKES_ARG},
  {"--print-prog-name",  QUERY | TAKES_ARG},
  {"--static",           LINK_STATIC},
  {"--sysroot",          TAKES_ARG},
  {"--target",           TAKES_ARG},
  {"--version",          QUERY},
  {"-B",                 TAKES_ARG | JOINED},
  {"-D",                 TAKES_ARG | JOINED},
  {"-E",                 COMPILE_ONLY},
  {"-I",                 TAKES_ARG | JOINED},
  {"-L",                 TAKES_ARG | JOINED},
  {"-M",                 COMPILE_ONLY},
  {"-MF",                TAKES_ARG | JOINED},
  {"-MM",                COMPILE_ONLY},
  {"-MQ",                TAKES_ARG | JOINED},
  {"-MT",                TAKES_ARG | JOINED},
  {"-S",                 COMPILE_ONLY},
  {"-T",                 TAKES_ARG | JOINED},
  {"-U",                 TAKES_ARG | JOINED},
  {"-Xassembler",        TAKES_ARG},
  {"-Xlinker",           TAKES_ARG},
  {"-Xpreprocessor",     TAKES_ARG},
  {"-arch",              TAKES_ARG},
  {"-aux-info",          TAKES_ARG},
  {"-c",                 COMPILE_ONLY},
  {"-dumpbase",          TAKES_ARG},
  {"-dumpdir",           TAKES_ARG},
  {"-dumpfullversion",   QUERY},
  {"-dumpmachine",       QUERY},
  {"-dumpspecs",         QUERY},
  {"-dumpversion",       QUERY},
  {"-dynamiclib",        LINK_SHARED},
  {"-e",                 TAKES_ARG},
  {"-framework",         TAKES_ARG},
  {"-fsyntax-only",      COMPILE_ONLY},
  {"-idirafter",         TAKES_ARG | JOINED},
  {"-imacros",           TAKES_ARG | JOINED},
  {"-include",           TAKES_ARG | JOINED},
  {"-iprefix",           TAKES_ARG | JOINED},
  {"-iquote",            TAKES_ARG | JOINED},
  {"-isysroot",          TAKES_ARG | JOINED},
  {"-isystem",           TAKES_ARG | JOINED},
  {"-iwithprefix",       TAKES_ARG | JOINED},
  {"-l",                 TAKES_ARG | JOINED},
  {"-no-pie",            LINK_NO_PIE},
  {"-nopie",             LINK_NO_PIE},
  {"-o",                 TAKES_ARG | JOINED | OUTPUT},
  {"-pie",               LINK_PIE},
  {"-print-prog-name",   QUERY | TAKES_ARG},
  {"-r",                 PARTIAL_LINK},
  {"-shared",            LINK_SHARED},
  {"-static",            LINK_STATIC},
  {"-static-pie",        LINK_STATIC_PIE},
  {"-target",            TAKES_ARG},
  {"-u",                 TAKES_ARG | JOINED},
  {"-undefined",         TAKES_ARG},
  {"-v",                 VERBOSE},
  {"-x",                 TAKES_ARG | JOINED},
  {"-z",                 TAKES_ARG},
};
// clang-format on

// lookup() binary-searches the table by name: it must stay sorted, each name once.
static_assert(std::adjacent_find(std::begin(k_driver_options), std::end(k_driver_options),
                                 [](const DriverOption &a, const DriverOption &b) {
                                   return !(a.name < b.name);
                                 }) == std::end(k_driver_options),
              "k_driver_options must be sorted by name, without duplicates");

// Finds `arg` in the table: an exact match, else the longest JOINED prefix. Options of
// the --print-*=VALUE / -print-* family are queries whatever their suffix.
struct Match {
  unsigned flags = 0;
  bool joined_value = false; // the value is inside `arg` (no separate argument)
  std::string_view value;
};

std::optional<Match> lookup(std::string_view arg) {
  auto exact = std::lower_bound(std::begin(k_driver_options), std::end(k_driver_options), arg,
                                [](const DriverOption &option, std::string_view name) {
                                  return option.name < name;
                                });
  if (exact != std::end(k_driver_options) && exact->name == arg) {
    return Match{exact->flags, false, {}};
  }
  if (arg.starts_with("-print-") || arg.starts_with("--print-")) {
    return Match{QUERY, true, {}};
  }
  if (arg.starts_with("--sysroot=") || arg.starts_with("--target=")) {
    return Match{0, true, arg.substr(arg.find('=') + 1)};
  }
  const DriverOption *best = nullptr;
  for (const DriverOption &option : k_driver_options) {
    if ((option.flags & JOINED) && arg.starts_with(option.name) &&
        (!best || option.name.size() > best->name.size())) {
      best = &option;
    }
  }
  if (best) {
    return Match{best->flags, true, arg.substr(best->name.size())};
  }
  return std::nullopt;
}

std::string_view basename_of(std::string_view path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// cmd/go's gccSupportsFlag probes compile or link stdin to /dev/null; any link whose
// output is thrown away is a probe of the same kind and has nothing to verify.
bool is_go_probe(const Invocation &invocation) { return invocation.output == "/dev/null"; }

} // namespace

const char *to_string(Role role) {
  switch (role) {
  case Role::Query:
    return "query";
  case Role::GoProbe:
    return "go-probe";
  case Role::LinkProbe:
    return "link-probe";
  case Role::CMakeProbe:
    return "cmake-probe";
  case Role::CompileOnly:
    return "compile";
  case Role::CgoLink:
    return "cgo-link";
  case Role::FinalLink:
    return "final-link";
  case Role::Other:
    return "other";
  case Role::GoLink:
    return "go-link";
  }
  llvm_unreachable("unknown Role");
}

const char *to_string(Product product) {
  switch (product) {
  case Product::Executable:
    return "executable";
  case Product::PieExecutable:
    return "pie";
  case Product::SharedLibrary:
    return "shared";
  }
  llvm_unreachable("unknown Product");
}

bool takes_separate_value(const std::string &arg) {
  std::optional<Match> match = lookup(arg);
  return match && (match->flags & TAKES_ARG) && !match->joined_value;
}

Invocation classify(std::vector<std::string> args, bool expanded_response_file) {
  Invocation invocation;
  invocation.args = std::move(args);
  invocation.expanded_response_file = expanded_response_file;

  unsigned seen = 0;
  bool wl_version = false;
  std::optional<unsigned> last_pie_choice; // LINK_PIE or LINK_NO_PIE, last one wins
  const std::vector<std::string> &argv = invocation.args;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string &arg = argv[i];
    if (arg == "-" || arg.empty() || arg[0] != '-') {
      invocation.inputs.push_back(arg);
      continue;
    }
    if (arg == "-Wl,--version" || arg == "-Wl,-v") {
      wl_version = true;
      continue;
    }
    if (llvm::StringRef(arg).startswith("-Wl,")) {
      // The linker's own spellings of a partial link: -Wl,-r, -Wl,--relocatable, -Wl,-i.
      llvm::SmallVector<llvm::StringRef, 4> words;
      llvm::StringRef(arg).drop_front(4).split(words, ',');
      for (llvm::StringRef word : words) {
        if (word == "-r" || word == "--relocatable" || word == "-i") {
          seen |= PARTIAL_LINK;
        }
      }
      continue;
    }
    if (arg == "-Xlinker" && i + 1 < argv.size() &&
        (argv[i + 1] == "-r" || argv[i + 1] == "--relocatable" || argv[i + 1] == "-i")) {
      seen |= PARTIAL_LINK;
    }
    std::optional<Match> match = lookup(arg);
    if (!match) {
      continue;
    }
    seen |= match->flags;
    if (match->flags & (LINK_PIE | LINK_NO_PIE)) {
      last_pie_choice = match->flags & (LINK_PIE | LINK_NO_PIE);
    }
    std::string_view value = match->value;
    if ((match->flags & TAKES_ARG) && !match->joined_value) {
      if (i + 1 < argv.size()) {
        value = argv[++i];
      }
    }
    if (match->flags & OUTPUT) {
      invocation.output = std::string(value);
    }
  }

  invocation.static_in_args = (seen & (LINK_STATIC | LINK_STATIC_PIE)) != 0;
  invocation.targets_darwin = std::find(argv.begin(), argv.end(), "-arch") != argv.end();
  invocation.from_go = std::any_of(invocation.inputs.begin(), invocation.inputs.end(),
                                   [](const std::string &input) {
                                     return basename_of(input) == "go.o";
                                   });
  if (seen & LINK_SHARED) {
    invocation.product = Product::SharedLibrary;
  } else if ((seen & LINK_STATIC_PIE) || last_pie_choice == LINK_PIE) {
    invocation.product = Product::PieExecutable;
  }

  bool no_inputs = invocation.inputs.empty();
  // A view of the optional's own string: value_or("") would return a temporary.
  std::string_view output_name =
      invocation.output ? basename_of(*invocation.output) : std::string_view();
  if (std::find(argv.begin(), argv.end(), "-###") != argv.end() ||
      (no_inputs && ((seen & QUERY) || wl_version || (seen & VERBOSE)))) {
    invocation.role = Role::Query;
  } else if (is_go_probe(invocation)) {
    invocation.role = Role::GoProbe;
  } else if (invocation.inputs.size() == 1 && basename_of(invocation.inputs[0]) == "trivial.c") {
    invocation.role = Role::LinkProbe;
  } else if (seen & COMPILE_ONLY) {
    invocation.role = Role::CompileOnly;
  } else if (output_name == "_cgo_.o") {
    invocation.role = Role::CgoLink;
  } else if (no_inputs || (seen & PARTIAL_LINK)) {
    invocation.role = Role::Other;
  } else if (output_name.starts_with("cmTC_")) {
    invocation.role = Role::CMakeProbe;
  } else {
    invocation.role = Role::FinalLink;
  }
  return invocation;
}

} // namespace portable_ld
