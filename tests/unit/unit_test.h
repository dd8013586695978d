// SPDX-License-Identifier: Apache-2.0
//
// Helpers shared by the unit tests: llvm::Expected and llvm::Error in doctest checks,
// readable failure messages for the containers the tests compare, and a final link.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <doctest/doctest.h>

#include "link/arguments.h"

#include "llvm/Support/Error.h"

namespace doctest {
template <>
struct StringMaker<std::vector<std::string>> {
  static String convert(const std::vector<std::string> &words) {
    std::string text = "{";
    for (size_t i = 0; i < words.size(); ++i) {
      text += (i ? ", \"" : "\"") + words[i] + "\"";
    }
    return (text + "}").c_str();
  }
};
template <>
struct StringMaker<std::optional<std::string>> {
  static String convert(const std::optional<std::string> &value) {
    return value ? ("\"" + *value + "\"").c_str() : "nullopt";
  }
};
} // namespace doctest

namespace portable_ld::test {

// The value in `expected`; the test stops, showing the error, when there is none.
template <class T>
T take(llvm::Expected<T> expected) {
  std::string error = expected ? "" : llvm::toString(expected.takeError());
  REQUIRE_MESSAGE(error.empty(), "unexpected error: " << error);
  return std::move(*expected);
}

// The text of the error in `expected`; the test stops when it holds a value instead.
template <class T>
std::string error_text(llvm::Expected<T> expected) {
  REQUIRE_FALSE_MESSAGE(static_cast<bool>(expected), "expected an error");
  return llvm::toString(expected.takeError());
}

// The text of `error`, or "" for success: CHECK(message_of(f()) == "") shows the error.
inline std::string message_of(llvm::Error error) {
  return error ? llvm::toString(std::move(error)) : "";
}

inline std::string error_text(llvm::Error error) {
  REQUIRE_MESSAGE(static_cast<bool>(error), "expected an error");
  return llvm::toString(std::move(error));
}

// A final link of `args`, as classify() would describe it, built by hand so that a test
// of what comes after classification does not depend on classify().
inline Invocation final_link(std::vector<std::string> args,
                             Product product = Product::Executable) {
  Invocation invocation;
  invocation.args = std::move(args);
  invocation.role = Role::FinalLink;
  invocation.product = product;
  return invocation;
}

} // namespace portable_ld::test
