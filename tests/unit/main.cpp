// SPDX-License-Identifier: Apache-2.0
//
// The unit tests' main(): doctest's own (filters, -s, -d; portable-ld-unit-tests --help).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
