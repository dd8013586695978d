// SPDX-License-Identifier: Apache-2.0
//
// plan_link(): what the wrapper runs for a classified invocation, decided before anything
// runs. The invocations are built by hand, so that these tests do not depend on classify().
#include "link/link_plan.h"

#include "unit_test.h"

namespace portable_ld {
namespace {

using test::error_text;
using test::take;

Invocation final_link(std::vector<std::string> args, Product product = Product::Executable) {
  Invocation invocation = test::final_link(std::move(args), product);
  invocation.output = "app";
  return invocation;
}

Config no_log() {
  Config config;
  config.log_path = std::nullopt;
  return config;
}

TEST_CASE("a compile without a log becomes the backend, unchanged") {
  Invocation invocation;
  invocation.args = {"-c", "main.c"};
  invocation.role = Role::CompileOnly;
  LinkPlan plan = take(plan_link(invocation, invocation.args, no_log()));
  CHECK(plan.becomes_backend);
  CHECK_FALSE(plan.static_request.requested);
  CHECK_FALSE(plan.output.has_value());
  CHECK(plan.changes.empty());
  CHECK(backend_argv(plan, std::nullopt) == std::vector<std::string>{"cc", "-c", "main.c"});

  // With a log there is a record to write afterwards: spawn and wait.
  Config logged = no_log();
  logged.log_path = "/tmp/links.jsonl";
  CHECK_FALSE(take(plan_link(invocation, invocation.args, logged)).becomes_backend);
}

TEST_CASE("a final link is never exec'd: its output is verified") {
  Invocation invocation = final_link({"main.o", "-o", "app"});
  LinkPlan plan = take(plan_link(invocation, invocation.args, no_log()));
  CHECK_FALSE(plan.becomes_backend);
  CHECK(plan.output == std::optional<std::string>("app"));
  CHECK(plan.stderr_mode == StderrMode::Inherit);
  CHECK_FALSE(plan.reproducible);
}

TEST_CASE("a static request rewrites the link and keeps the linker's messages") {
  Config config = no_log();
  config.static_requested = true;
  config.static_source = StaticSource::Environment;
  Invocation invocation = final_link({"main.o", "-rdynamic", "-o", "app"});
  LinkPlan plan = take(plan_link(invocation, invocation.args, config));
  CHECK(plan.static_request.requested);
  CHECK(plan.static_request.source == StaticSource::Environment);
  CHECK(plan.stderr_mode == StderrMode::Tee);
  CHECK(backend_argv(plan, std::nullopt) ==
        std::vector<std::string>{"cc", "main.o", "-o", "app", "-static"});
  REQUIRE(plan.changes.size() == 2);
  CHECK(plan.changes[0].action == "remove");
  CHECK(plan.changes[1].to == "-static");
}

TEST_CASE("-static among the arguments is a static request of its own") {
  Invocation invocation = final_link({"main.o", "-static", "-o", "app"});
  invocation.static_in_args = true;
  LinkPlan plan = take(plan_link(invocation, invocation.args, no_log()));
  CHECK(plan.static_request.requested);
  CHECK(plan.static_request.source == StaticSource::Arguments);
  CHECK(plan.changes.empty()); // nothing to rewrite: the original arguments run
}

TEST_CASE("a rewritten link that came in a response file goes out in one") {
  Config config = no_log();
  config.static_requested = true;
  Invocation invocation = final_link({"main.o", "-o", "app"});
  invocation.expanded_response_file = true;
  const std::vector<std::string> original = {"@/tmp/go-link/args"};
  LinkPlan plan = take(plan_link(invocation, original, config));
  CHECK(plan.own_response_file);
  CHECK(plan.args == std::vector<std::string>{"main.o", "-o", "app", "-static"});
  CHECK(backend_argv(plan, std::string("/tmp/portable-ld-1.rsp")) ==
        std::vector<std::string>{"cc", "@/tmp/portable-ld-1.rsp"});

  // Nothing to rewrite: the build's own response file runs as it was.
  Invocation already = final_link({"main.o", "-static", "-o", "app"});
  already.expanded_response_file = true;
  LinkPlan unchanged = take(plan_link(already, original, config));
  CHECK_FALSE(unchanged.own_response_file);
  CHECK(backend_argv(unchanged, std::nullopt) ==
        std::vector<std::string>{"cc", "@/tmp/go-link/args"});
}

TEST_CASE("only a final link has a static request") {
  Config config = no_log();
  config.static_requested = true;
  config.static_source = StaticSource::ConfigFile;
  Invocation compile;
  compile.role = Role::CompileOnly;
  compile.static_in_args = true;
  CHECK_FALSE(static_request_of(compile, config).requested);
  StaticRequest request = static_request_of(final_link({"main.o"}), config);
  CHECK(request.requested);
  CHECK(request.source == StaticSource::ConfigFile);
}

TEST_CASE("a shared library cannot be static") {
  Config config = no_log();
  config.static_requested = true;
  Invocation invocation = final_link({"-shared", "lib.o", "-o", "lib.so"}, Product::SharedLibrary);
  CHECK(error_text(plan_link(invocation, invocation.args, config)) ==
        "static link requested for a shared library");
}

TEST_CASE("the chosen linker goes after the backend's own words, with its reason") {
  Config config = no_log();
  config.backend = {"zig", "cc"};
  config.fuse_ld = "auto";
  Invocation invocation = final_link({"main.o", "-o", "app"});
  CHECK(wants_linker_choice(invocation, config));
  LinkPlan plan = take(plan_link(invocation, invocation.args, config));
  add_linker(plan, "mold", config);
  CHECK(backend_argv(plan, std::nullopt) ==
        std::vector<std::string>{"zig", "cc", "-fuse-ld=mold", "main.o", "-o", "app"});
  REQUIRE(plan.changes.size() == 1);
  CHECK(plan.changes[0].reason == "PORTABLE_LD_FUSE_LD=auto");

  // The build's own choice wins, and only final links are changed.
  CHECK_FALSE(wants_linker_choice(final_link({"-fuse-ld=bfd", "main.o"}), config));
  config.backend = {"cc", "-fuse-ld=gold"};
  CHECK_FALSE(wants_linker_choice(final_link({"main.o"}), config));
  Invocation compile;
  compile.role = Role::CompileOnly;
  CHECK_FALSE(wants_linker_choice(compile, no_log()));
}

TEST_CASE("a reproducer gets the command with every response file expanded") {
  Config config = no_log();
  config.reproduce_dir = "/tmp/bundles";
  config.static_requested = true;
  Invocation invocation = final_link({"main.o", "-o", "app"});
  invocation.expanded_response_file = true;
  LinkPlan plan = take(plan_link(invocation, {"@args"}, config));
  add_linker(plan, "lld", config);
  CHECK(plan.reproducible);
  CHECK(expanded_backend_argv(plan) ==
        std::vector<std::string>{"cc", "-fuse-ld=lld", "main.o", "-o", "app", "-static"});
}

TEST_CASE("cmd/go's compiler identity query has its stderr captured for the stamp") {
  Invocation invocation;
  invocation.args = {"-###", "-x", "c", "-c", "-"};
  invocation.role = Role::Query;
  LinkPlan plan = take(plan_link(invocation, invocation.args, no_log()));
  CHECK(plan.compiler_id_query);
  CHECK_FALSE(plan.becomes_backend);
  CHECK(plan.stderr_mode == StderrMode::Capture);
}

TEST_CASE("Go's -fuse-ld=gold: which links ask for it, and its replacement") {
  Invocation link = final_link({"-m64", "-fuse-ld=gold", "-o", "app", "go.o"});
  link.from_go = true;
  CHECK(asks_for_gold(link));
  Invocation probe;
  probe.role = Role::LinkProbe; // cmd/link's trivial.c probe carries the same flags
  probe.args = {"-fuse-ld=gold", "trivial.c", "-no-pie"};
  CHECK(asks_for_gold(probe));
  Invocation c_link = link;
  c_link.from_go = false; // a C build's own choice stays
  CHECK_FALSE(asks_for_gold(c_link));
  Invocation lld = final_link({"-fuse-ld=lld", "go.o"});
  lld.from_go = true;
  CHECK_FALSE(asks_for_gold(lld));

  // Go >= 1.21 passes a long command in a response file: the replacement goes into
  // portable-ld's own.
  link.expanded_response_file = true;
  LinkPlan plan = take(plan_link(link, {"@/tmp/go-link/args"}, no_log()));
  CHECK(plan.args == std::vector<std::string>{"@/tmp/go-link/args"});
  replace_gold(plan, link, "lld");
  CHECK(plan.args == std::vector<std::string>{"-m64", "-fuse-ld=lld", "-o", "app", "go.o"});
  CHECK(plan.expanded_args == plan.args);
  CHECK(plan.own_response_file);
  REQUIRE(plan.changes.size() == 1);
  CHECK(plan.changes[0].action == "replace");
  CHECK(plan.changes[0].from == "-fuse-ld=gold");
  CHECK(plan.changes[0].to == "-fuse-ld=lld");
}

} // namespace
} // namespace portable_ld
