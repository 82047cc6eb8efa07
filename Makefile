# Entry points; the real build is CMake (see CMakeLists.txt).
#   make            build (RelWithDebInfo) into build/
#   make test       build + run every test, then the same with ASan+UBSan (build-asan/)
#   make demo       the main job: the demo on the built-in virtual board
#   make lint       clang-tidy + cppcheck on src/
#   make fuzz       build the libFuzzer targets with clang and run each briefly
#   make bench      benchmarks, printed as a table
JOBS   ?= $(shell nproc 2>/dev/null || echo 2)
BUILD  ?= build
ASAN   ?= build-asan
FUZZB  ?= build-fuzz
FUZZ_SECONDS ?= 20

.PHONY: all build asan test test-fast demo lint fuzz bench format clean

all: build

build:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

asan:
	cmake -S . -B $(ASAN) -DCMAKE_BUILD_TYPE=Debug -DRPT_SANITIZE=ON >/dev/null
	cmake --build $(ASAN) -j $(JOBS)

test-fast: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

test: build asan
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
		ctest --test-dir $(ASAN) --output-on-failure -j $(JOBS)
	$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(FUZZ_SECONDS)

demo: build
	./scripts/demo $(BUILD)

lint: build
	./scripts/lint $(BUILD)

fuzz:
	./scripts/fuzz $(FUZZB) $(FUZZ_SECONDS)

bench: build
	./scripts/bench $(BUILD)

format:
	find src tools tests bench fuzz firmware -name '*.[ch]' | xargs clang-format -i

clean:
	rm -rf $(BUILD) $(ASAN) $(FUZZB)
