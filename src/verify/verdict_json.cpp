// SPDX-License-Identifier: Apache-2.0
#include "verify/verdict_json.h"

#include <algorithm>

#include "support/json.h"
#include "verify/glibc_hazards.h"
#include "verify/symbol_versions.h"

namespace portable_ld {

llvm::json::Object to_json(const Verdict &verdict) {
  llvm::json::Object object{
      {"path", json_string(verdict.path)},
      {"format", to_string(verdict.format)},
      {"format_name", verdict.format_name},
      {"arch", verdict.arch},
      {"kind", verdict.kind_name()},
      {"linkage", to_string(verdict.linkage)},
      {"interpreter", verdict.interpreter.empty() ? llvm::json::Value(nullptr)
                                                  : json_string(verdict.interpreter)},
      {"needed", json_strings(verdict.needed)},
      {"rpath", json_strings(verdict.rpath)},
      {"runpath", json_strings(verdict.runpath)},
      {"undefined", json_strings(verdict.undefined)},
  };
  llvm::json::Array hazards;
  for (const Hazard &hazard : verdict.hazards) {
    // Both come from the file (or the linker's warnings): json_string keeps their bytes.
    llvm::json::Object object{{"symbol", json_string(hazard.symbol)},
                              {"kind", to_string(hazard.kind())}};
    object["package"] =
        hazard.package.empty() ? llvm::json::Value(nullptr) : json_string(hazard.package);
    hazards.push_back(std::move(object));
  }
  object["hazards"] = std::move(hazards);
  // Hazards pin a static image to the glibc it was linked with: which one, if it says.
  if (!verdict.hazards.empty()) {
    object["pinned_glibc"] = verdict.glibc_version.empty()
                                 ? llvm::json::Value(nullptr)
                                 : llvm::json::Value(verdict.glibc_version);
  }
  if (!verdict.warnings.empty()) {
    object["warnings"] = json_strings(verdict.warnings);
  }
  if (verdict.go) {
    object["go"] = to_json(*verdict.go);
  }
  if (!verdict.package_notes.empty()) {
    // Each note's object as it is, or its text when it is not JSON or is nested deeper
    // than a package note is (LLVM's parser recurses once per level).
    llvm::json::Array notes;
    for (const std::string &note : verdict.package_notes) {
      if (json_depth(note) > 16) {
        notes.push_back(json_string(note));
        continue;
      }
      llvm::Expected<llvm::json::Value> parsed = llvm::json::parse(note);
      if (parsed) {
        notes.push_back(std::move(*parsed));
      } else {
        llvm::consumeError(parsed.takeError());
        notes.push_back(json_string(note));
      }
    }
    object["package_notes"] = std::move(notes);
  }
  if (verdict.format == Format::Elf && verdict.linkage == Linkage::Dynamic) {
    llvm::json::Object versions;
    for (const FamilyVersion &newest : newest_versions(verdict.versioned)) {
      versions[json_key(newest.family)] = json_string(newest.version);
    }
    object["versions"] = std::move(versions);
  }
  return object;
}

size_t json_depth(std::string_view text) {
  size_t depth = 0, deepest = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

llvm::json::Object to_json(const GoBinary &go) {
  llvm::json::Object object{
      {"linker", go.linker == GoLinker::Unknown ? llvm::json::Value(nullptr)
                                                : llvm::json::Value(to_string(go.linker))},
      {"linker_evidence", json_string(go.linker_evidence)},
      {"runtime_cgo", go.runtime_cgo == GoBinary::RuntimeCgo::Unknown
                          ? llvm::json::Value(nullptr)
                          : llvm::json::Value(go.runtime_cgo == GoBinary::RuntimeCgo::Present)},
  };
  if (go.cgo_packages) {
    llvm::json::Array packages;
    for (const std::string &package : *go.cgo_packages) {
      packages.push_back(json_string(package));
    }
    object["cgo_packages"] = std::move(packages);
  } else {
    object["cgo_packages"] = nullptr;
  }
  if (!go.has_build_info) {
    object["build_info"] = nullptr;
    object["build_info_problem"] = json_string(go.build_info_problem);
    return object;
  }
  llvm::json::Object settings;
  for (const GoBuildSetting &setting : go.settings) {
    settings[json_key(setting.key)] = json_string(setting.value);
  }
  object["build_info"] = llvm::json::Object{
      {"version", json_string(go.version)},
      {"path", json_string(go.path)},
      {"main_module", json_string(go.main_module)},
      {"settings", std::move(settings)},
  };
  return object;
}

} // namespace portable_ld
