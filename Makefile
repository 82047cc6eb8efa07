# Entry points; the real build is CMake (see CMakeLists.txt).
#   make              build (RelWithDebInfo) into build/
#   make test         build + run every test, then the same with ASan+UBSan (build-asan/),
#                     then the fuzzers; ends with one summary of every test case that ran
#   make demo         the main job: the demo on the built-in virtual board
#   make install      build, then install into PREFIX (default /usr/local; DESTDIR honoured):
#                     programs, man pages, bash completion, systemd units, boards, docs
#   make lint         clang-format check, clang-tidy and cppcheck
#   make check-builds the other build types and compilers: gcc Release (-O3), clang
#                     Release and clang Debug, each built and tested (without the stress tests)
#   make fuzz         build the libFuzzer targets with clang and run each briefly
#   make bench        benchmarks, printed as a table
# Warnings are errors in every target here; `make WERROR=OFF ...` turns that off (a plain
# `cmake` build does not use -Werror unless given -DRPT_WERROR=ON).
JOBS   ?= $(shell nproc 2>/dev/null || echo 2)
BUILD  ?= build
ASAN   ?= build-asan
FUZZB  ?= build-fuzz
FUZZ_SECONDS ?= 20
WERROR ?= ON
TALLY  := $(BUILD)/test-tally.txt
# Keep make's own chatter (Entering/Leaving directory) out of the output.
CMAKE_BUILD = cmake --build $(1) -j $(JOBS) -- --no-print-directory

PREFIX ?= /usr/local

.PHONY: all build asan test test-fast demo install lint fuzz bench format check-builds clean

all: build

build:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRPT_WERROR=$(WERROR) >/dev/null
	$(call CMAKE_BUILD,$(BUILD))

asan:
	cmake -S . -B $(ASAN) -DCMAKE_BUILD_TYPE=Debug -DRPT_SANITIZE=ON -DRPT_WERROR=$(WERROR) >/dev/null
	$(call CMAKE_BUILD,$(ASAN))

test-fast: build
	./scripts/run-tests $(BUILD)

test: build asan
	rm -f $(TALLY)
	RPT_TEST_TALLY=$(TALLY) ./scripts/run-tests $(BUILD)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
		RPT_TEST_TALLY=$(TALLY) ./scripts/run-tests $(ASAN)
	$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(FUZZ_SECONDS)
	./scripts/run-tests --total $(TALLY)

# The demo's output is the demo's: the build runs quietly first (its log shown only if it
# fails), and no make chatter reaches the terminal.
demo:
	@log=$$(mktemp /tmp/rpt-demo-build.XXXXXX); \
	if ! $(MAKE) --no-print-directory build >"$$log" 2>&1; then \
		cat "$$log"; rm -f "$$log"; exit 1; \
	fi; \
	rm -f "$$log"
	@./scripts/demo $(BUILD)

install: build
	DESTDIR="$(DESTDIR)" cmake --install $(BUILD) --prefix "$(PREFIX)"

lint: build
	./scripts/lint $(BUILD)

check-builds:
	./scripts/check-builds $(WERROR)

fuzz:
	./scripts/fuzz $(FUZZB) $(FUZZ_SECONDS)

bench: build
	./scripts/bench $(BUILD)

format:
	find src tools tests bench fuzz firmware -name '*.[ch]' | xargs clang-format -i

clean:
	rm -rf $(BUILD) $(ASAN) $(FUZZB) build-gcc-release build-clang-release build-clang-debug
