# Bastide: the two commands a newcomer needs are `make run` and `make test`.
# Everything else is a thin wrapper around Meson, Ninja and scripts/.

BUILD      ?= build
TEST_BUILD ?= build-test
DATA       ?= var
CONFIG     ?= etc/bastide.dev.ini
FUZZ_SECONDS ?= 300

.PHONY: all build run test bench fuzz deps test-deps clean

all: build

deps:
	@scripts/install-deps

test-deps:
	@scripts/install-deps --test

$(BUILD)/build.ninja:
	meson setup $(BUILD) -Dbuildtype=release -Db_ndebug=if-release

build: deps $(BUILD)/build.ninja
	@ninja -C $(BUILD)

# Installs what is missing, builds, initialises ./var, creates the demo
# platform and prints its administrator's freshly generated password, then
# serves in the foreground until Ctrl-C.
run: build
	@$(BUILD)/bastide init --data $(DATA) >/dev/null
	@$(BUILD)/bastide demo --data $(DATA) --config $(CONFIG)
	@exec $(BUILD)/bastide serve --data $(DATA) --config $(CONFIG)

$(TEST_BUILD)/build.ninja:
	CC=clang meson setup $(TEST_BUILD) -Dbuildtype=debug -Db_sanitize=address,undefined \
	  -Db_lundef=false -Dtest_clock=true -Dfuzz=true

# Installs what tests need, builds with ASan+UBSan, runs every test and
# ends with one line "N passed, N failed".
test: test-deps $(TEST_BUILD)/build.ninja
	@ninja -C $(TEST_BUILD)
	@scripts/run-tests $(TEST_BUILD)

bench: build
	@scripts/install-deps --bench
	@bench/http $(BUILD)

fuzz: test-deps $(TEST_BUILD)/build.ninja
	@ninja -C $(TEST_BUILD)
	@scripts/fuzz --keep $(TEST_BUILD) $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD) $(TEST_BUILD) tests/artifacts
