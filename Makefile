# Front end for the CMake + Ninja build. `make demo` and `make test` are the two
# commands the README promises work on a fresh Debian 12 machine (as root).

BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
COV_BUILD  ?= build-coverage
PYTHON     ?= /usr/bin/python3
CONFORMANCE_DIR ?= $(abspath tests/conformance/cel/data)
JOBS       ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps build demo test install deb unit-test cli-test conformance test-sanitize \
        bench fuzz fuzz-build fuzz-ci coverage clean

all: build

deps:
	@bash scripts/install-deps.sh

$(BUILD)/build.ninja: | deps
	cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS)

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD) -j $(JOBS)

# `make install PREFIX=/usr/local`: binary, completion scripts and man page (docs/CLI.md "Installing").
PREFIX ?= /usr/local
install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

# A Debian package in $(BUILD): tako_<version>_<arch>.deb.
deb: build
	cd $(BUILD) && cpack -G DEB

demo: build
	@bash examples/demo.sh $(abspath $(BUILD))/tako

# The test targets build with warnings as errors (TAKO_WERROR, off in a plain cmake build).
test: deps
	cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS) -DTAKO_WERROR=ON
	ninja -C $(BUILD) -j $(JOBS)
	@bash scripts/run-tests.sh $(abspath $(BUILD)) "$(CONFORMANCE_DIR)"

unit-test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

cli-test: build
	TAKO_BIN=$(abspath $(BUILD))/tako $(PYTHON) -m pytest -q tests/cli

# The whole suite again under AddressSanitizer + UndefinedBehaviorSanitizer.
test-sanitize: deps
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DTAKO_SANITIZE=ON -DTAKO_BUILD_BENCH=OFF -DTAKO_WERROR=ON
	ninja -C $(ASAN_BUILD) -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  bash scripts/run-tests.sh $(abspath $(ASAN_BUILD)) "$(CONFORMANCE_DIR)"

bench: build
	@bash scripts/run-bench.sh $(abspath $(BUILD))

# libFuzzer targets (clang). FUZZ_SECONDS per target; corpora in fuzz/<module>/corpus.
# `make fuzz-ci` is what .ci/run runs: every target for FUZZ_SECONDS (60); any finding
# (crash, sanitizer report, timeout, out-of-memory) fails. See docs/FUZZING.md.
FUZZ_SECONDS ?= 60
fuzz-build: deps
	CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTAKO_FUZZ=ON
	ninja -C $(FUZZ_BUILD) -j $(JOBS)

fuzz: fuzz-build
	@bash scripts/run-fuzz.sh $(abspath $(FUZZ_BUILD)) $(FUZZ_SECONDS)

fuzz-ci: fuzz-build
	@bash scripts/run-fuzz.sh $(abspath $(FUZZ_BUILD)) $(FUZZ_SECONDS)

coverage: deps
	cmake -S . -B $(COV_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DTAKO_COVERAGE=ON -DTAKO_BUILD_BENCH=OFF -DTAKO_WERROR=ON
	ninja -C $(COV_BUILD) -j $(JOBS)
	bash scripts/run-tests.sh $(abspath $(COV_BUILD)) "$(CONFORMANCE_DIR)"
	gcovr -r . $(COV_BUILD) --filter src/ --gcov-ignore-parse-errors --print-summary --txt $(COV_BUILD)/coverage.txt --html-details $(COV_BUILD)/coverage.html

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) $(COV_BUILD)
