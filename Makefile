# Thin front end: the two commands from README.md, and their steps.
#   make demo   install dependencies, build, build a Go file server static through portable-ld
#   make check  install dependencies, build, run the unit tests and the whole lit suite (ctest)
BUILD ?= build

.PHONY: all deps build demo check bench bench-link clean
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

bench: build
	cmake --build $(BUILD) --target portable-ld-bench

bench-link: build
	cmake --build $(BUILD) --target portable-ld-bench-link

clean:
	rm -rf $(BUILD)
