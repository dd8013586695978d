# Thin front end: the two commands from README.md, and their steps.
#   make demo   install dependencies, build, build a Go file server static through portable-ld
#   make check  install dependencies, build, run every test (ctest): the unit tests, the lit
#               suite, both again under ASan + UBSan, and a fuzz smoke
# and, on their own:
#   make check-sanitize  the unit tests and the lit suite on an ASan + UBSan build
#   make fuzz            the check fuzzer (clang, libFuzzer) for FUZZ_SECONDS
#   make symbol-order    rewrite src/cli/symbol-order.txt, the code layout list, from this build
BUILD ?= build
FUZZ_SECONDS ?= 600

.PHONY: all deps build demo check check-sanitize fuzz bench bench-link symbol-order clean
all: build

deps:
	bash .ci/install-deps

build: deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BUILD)

demo: build
	bash tests/demo.sh $(BUILD)/bin/portable-ld

check: build
	ctest --test-dir $(BUILD) --output-on-failure --verbose

check-sanitize: deps
	bash tests/sanitize/run $(BUILD)-sanitize

fuzz: deps
	cmake -S . -B $(BUILD)-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DPORTABLE_LD_FUZZ=ON
	cmake --build $(BUILD)-fuzz --target portable-ld-check-fuzzer portable-ld-fuzz-seeds
	bash tests/fuzz/run $(BUILD)-fuzz/tests/fuzz/portable-ld-check-fuzzer \
	  $(BUILD)-fuzz/tests/fuzz/seeds $(BUILD)-fuzz/tests/fuzz/corpus $(FUZZ_SECONDS)

bench: build
	cmake --build $(BUILD) --target portable-ld-bench

bench-link: build
	cmake --build $(BUILD) --target portable-ld-bench-link

symbol-order: build
	cmake --build $(BUILD) --target portable-ld-symbol-order

clean:
	rm -rf $(BUILD)
