# cascadeguard: stop a git push from destroying a database through a migration.
# GNU Make.  `make`, `make test`, `make sanitize`, `make valgrind`,
# `make install PREFIX=... DESTDIR=...`.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
PKG_CONFIG ?= pkg-config
SHELL = /bin/bash
CC ?= cc
CFLAGS ?= -O2 -g
BUILD ?= build
CG_CORPUS ?= $(abspath ../shared/corpus)

WARN = -Wall -Wextra -Wpedantic -Wshadow -Wformat=2 -Wstrict-prototypes \
	-Wmissing-prototypes -Wvla -Wwrite-strings
WERROR ?= -Werror

DEPS = libgit2 sqlite3 jansson inih
ifeq ($(filter clean fmt-check,$(MAKECMDGOALS)),)
ifneq ($(shell $(PKG_CONFIG) --atleast-version=1.5 libgit2 && echo ok),ok)
$(error libgit2 >= 1.5 not found by pkg-config: apt-get install libgit2-dev, or run ./install.sh)
endif
ifneq ($(shell $(PKG_CONFIG) --atleast-version=3.37 sqlite3 && echo ok),ok)
$(error sqlite3 >= 3.37 not found by pkg-config: apt-get install libsqlite3-dev, or run ./install.sh)
endif
ifneq ($(shell $(PKG_CONFIG) --exists jansson inih && echo ok),ok)
$(error jansson or inih not found by pkg-config: apt-get install libjansson-dev libinih-dev, or run ./install.sh)
endif
endif

DEP_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(DEPS) 2>/dev/null)
DEP_LIBS := $(shell $(PKG_CONFIG) --libs $(DEPS) 2>/dev/null)
TEST_CFLAGS = $(shell $(PKG_CONFIG) --cflags criterion 2>/dev/null)
TEST_LIBS = $(shell $(PKG_CONFIG) --libs criterion 2>/dev/null)

ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(WERROR) $(DEP_CFLAGS) -Iinclude \
	$(CPPFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(LDFLAGS)

LIB_SRC = $(filter-out src/main.c,$(wildcard src/*.c src/simulate/*.c))
LIB_OBJ = $(LIB_SRC:src/%.c=$(BUILD)/obj/%.o)
MAIN_OBJ = $(BUILD)/obj/main.o
LIB = $(BUILD)/libcg.a
BIN = $(BUILD)/cascadeguard

UNIT_SRC = $(wildcard tests/unit/test_*.c)
E2E_SRC = $(wildcard tests/e2e/test_*.c)
HELPER_SRC = $(wildcard tests/helpers/*.c)
HELPER_OBJ = $(HELPER_SRC:tests/helpers/%.c=$(BUILD)/obj/helpers/%.o)
TESTS = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/unit_%) \
	$(E2E_SRC:tests/e2e/%.c=$(BUILD)/tests/e2e_%)

# Keep objects that only tests use between runs.
.SECONDARY:

.PHONY: all test check-tests install uninstall clean sanitize valgrind bench \
	fuzz fmt-check oracle

all: $(BIN)

$(BUILD)/obj/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/obj/helpers/%.o: tests/helpers/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(TEST_CFLAGS) -Itests -MMD -MP -c -o $@ $<

$(LIB): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BIN): $(MAIN_OBJ) $(LIB)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(DEP_LIBS)

$(BUILD)/tests/unit_%: tests/unit/%.c $(HELPER_OBJ) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(TEST_CFLAGS) -Itests -MMD -MP $(ALL_LDFLAGS) -o $@ \
		$< $(HELPER_OBJ) $(LIB) $(DEP_LIBS) $(TEST_LIBS)

$(BUILD)/tests/e2e_%: tests/e2e/%.c $(HELPER_OBJ) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(TEST_CFLAGS) -Itests -MMD -MP $(ALL_LDFLAGS) -o $@ \
		$< $(HELPER_OBJ) $(LIB) $(DEP_LIBS) $(TEST_LIBS)

check-tests: $(BIN) $(TESTS)

# Each test binary is a Criterion suite; every one runs even when an
# earlier one fails, and the target fails if any did.
# The last line sums every suite: "make test: N passed, N failed".
test: $(BIN) $(TESTS)
	@[ -d "$(CG_CORPUS)" ] || echo "make test: no corpus at $(CG_CORPUS):" \
		"the corpus tests skip (set CG_CORPUS to ../shared/corpus)"
	@fail=0; log=$$(mktemp); for t in $(TESTS); do \
		echo "== $$t"; \
		CG_BIN=$(abspath $(BIN)) CG_CORPUS=$(CG_CORPUS) \
		CG_SRCDIR=$(CURDIR) $$t $(TEST_ARGS) 2>&1 | tee -a $$log; \
		[ $${PIPESTATUS[0]} -eq 0 ] || fail=1; \
	done; \
	sed -n 's/.*Synthesis: Tested: \([0-9]*\) | Passing: \([0-9]*\) | Failing: \([0-9]*\) | Crashing: \([0-9]*\).*/\2 \3 \4/p' $$log | \
	awk -v f=$$fail '{p+=$$1; x+=$$2+$$3} END {if (f && x == 0) x = 1; \
		printf "make test: %d passed, %d failed\n", p, x}'; \
	rm -f $$log; exit $$fail

sanitize:
	$(MAKE) BUILD=build-sanitize \
		CFLAGS="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
		LDFLAGS="-fsanitize=address,undefined" \
		TEST_ARGS="--jobs 1" test

VALGRIND = valgrind --quiet --error-exitcode=99 --leak-check=full \
	--errors-for-leak-kinds=definite --show-leak-kinds=definite
valgrind: $(BIN) $(TESTS)
	@fail=0; for t in $(filter $(BUILD)/tests/e2e_%,$(TESTS)); do \
		echo "== $$t (cascadeguard under valgrind)"; \
		CG_BIN_WRAPPER="$(VALGRIND)" CG_BIN=$(abspath $(BIN)) \
		CG_CORPUS=$(CG_CORPUS) CG_SRCDIR=$(CURDIR) $$t --jobs 1 || fail=1; \
	done; exit $$fail

# The differential oracle (tests/oracle/): the real runners (wrangler's
# local D1, drizzle's better-sqlite3 and libSQL migrators), pinned by
# tests/oracle/package-lock.json, against cascadeguard check-range.
# `npm ci` runs only when the lock file changed (the stamp holds its
# hash).  No npm or no registry fails the target: it never passes empty.
ORACLE = $(BUILD)/oracle
ORACLE_JOBS ?= 2
ORACLE_LOCK = tests/oracle/package-lock.json
$(ORACLE)/stamp: tests/oracle/package.json $(ORACLE_LOCK) oracle-force
	@command -v npm >/dev/null 2>&1 && command -v node >/dev/null 2>&1 || { \
		echo "make oracle: node and npm are needed (Node >= 20):" \
			"apt-get install -y nodejs npm" >&2; exit 1; }
	@node -e 'const [a, b] = process.versions.node.split(".").map(Number);'\
'process.exit(a > 20 || (a === 20 && b >= 3) ? 0 : 1)' || { \
		echo "make oracle: wrangler 4 needs Node >= 20.3, this is" \
			"$$(node --version) (Debian 12's nodejs is 18: use" \
			"NodeSource's nodejs 20)" >&2; exit 1; }
	@mkdir -p $(ORACLE)
	@h=$$(sha256sum $(ORACLE_LOCK) | cut -d' ' -f1); \
	if [ -d $(ORACLE)/node_modules ] && [ "$$(cat $@ 2>/dev/null)" = "$$h" ]; then \
		touch $@; exit 0; fi; \
	cp tests/oracle/package.json $(ORACLE_LOCK) $(ORACLE)/ && \
	rm -f $@ && \
	(cd $(ORACLE) && npm_config_nodedir=/usr npm ci --no-audit --no-fund) || { \
		echo "make oracle: npm ci failed in $(ORACLE) (registry unreachable?" \
			"see the npm output above); the oracle did not run" >&2; exit 1; }; \
	echo "$$h" > $@
.PHONY: oracle-force
oracle-force:

oracle: $(BIN) $(ORACLE)/stamp
	ORACLE_JOBS=$(ORACLE_JOBS) CG_CORPUS=$(CG_CORPUS) node tests/oracle/oracle.js \
		$(ORACLE)/node_modules $(BIN) $(ORACLE)/work

# Benchmarks: whole-process timings, medians (see docs/PERFORMANCE.md).
# The data-loss simulation's cost on a 200-table schema (bench/bench_simulate.c).
BENCH_SIM = $(BUILD)/bench/bench_simulate
$(BENCH_SIM): bench/bench_simulate.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(DEP_LIBS)

bench: $(BIN) $(BENCH_SIM)
	$(BENCH_SIM)
	bench/run.sh $(BIN)

install: $(BIN)
	install -d $(DESTDIR)$(BINDIR)
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/cascadeguard
	install -d $(DESTDIR)$(MANDIR)/man1
	install -m 644 man/cascadeguard.1 $(DESTDIR)$(MANDIR)/man1/cascadeguard.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/cascadeguard
	rm -f $(DESTDIR)$(MANDIR)/man1/cascadeguard.1

clean:
	rm -rf build build-*

# libFuzzer targets: each fuzz/fuzz_*.c against the library sources built
# by clang into $(FUZZ_BUILD) (not $(LIB), which is the gcc build), run
# for FUZZ_SECONDS each after replaying fuzz/regressions/<target>/; a
# crash fails the target and leaves its input in $(FUZZ_BUILD)/artifacts.
FUZZ_SECONDS ?= 30
FUZZ_BUILD ?= build-fuzz
FUZZ_CC ?= clang
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_SKIP = $(if $(wildcard src/prereceive.c),,fuzz/fuzz_prereceive.c) \
	$(if $(wildcard src/suppress.c),,fuzz/fuzz_suppress.c)
FUZZ_SRC = $(filter-out $(FUZZ_SKIP),$(wildcard fuzz/fuzz_*.c))
FUZZ_BIN = $(FUZZ_SRC:fuzz/%.c=$(FUZZ_BUILD)/%)
FUZZ_OBJ = $(LIB_SRC:src/%.c=$(FUZZ_BUILD)/obj/%.o)
FUZZ_CFLAGS = $(filter-out $(WERROR) $(CFLAGS),$(ALL_CFLAGS)) $(FUZZ_FLAGS)

.PHONY: fuzz-clang fuzz-build fuzz-regress

fuzz-clang:
	@command -v $(FUZZ_CC) >/dev/null 2>&1 || { \
		echo "make fuzz: $(FUZZ_CC) not found; libFuzzer needs clang:" \
			"apt-get install -y clang" >&2; exit 1; }

$(FUZZ_BUILD)/obj/%.o: src/%.c | fuzz-clang
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<

# An archive, as for $(LIB): objects a target does not need (the
# commands, which call main.c) stay out.
$(FUZZ_BUILD)/libcg.a: $(FUZZ_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: fuzz/fuzz_%.c $(FUZZ_BUILD)/libcg.a | fuzz-clang
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_BUILD)/libcg.a $(DEP_LIBS)

fuzz-build: $(FUZZ_BIN)

# Every saved crash input must now pass (libFuzzer runs the files given).
fuzz-regress: $(FUZZ_BIN)
	@fail=0; for f in $(FUZZ_BIN); do n=$${f##*/}; \
		set -- fuzz/regressions/$$n/*; [ -e "$$1" ] || continue; \
		echo "== $$n: $$# regression inputs"; \
		$$f -runs=1 "$$@" >$(FUZZ_BUILD)/$$n.regress.log 2>&1 || { \
			tail -40 $(FUZZ_BUILD)/$$n.regress.log; fail=1; }; \
	done; exit $$fail

fuzz: fuzz-regress
	@fail=0; for f in $(FUZZ_BIN); do n=$${f##*/}; \
		mkdir -p $(FUZZ_BUILD)/corpus/$$n $(FUZZ_BUILD)/artifacts; \
		echo "== $$n for $(FUZZ_SECONDS) s"; \
		$$f -max_total_time=$(FUZZ_SECONDS) -timeout=20 \
			-rss_limit_mb=2048 -print_final_stats=1 \
			-artifact_prefix=$(FUZZ_BUILD)/artifacts/$$n- \
			$(FUZZ_BUILD)/corpus/$$n $$(ls -d fuzz/corpus/$$n 2>/dev/null) \
			>$(FUZZ_BUILD)/$$n.log 2>&1 || { \
			tail -60 $(FUZZ_BUILD)/$$n.log; fail=1; }; \
		grep -h '^stat::number_of_executed_units' $(FUZZ_BUILD)/$$n.log; \
	done; $(if $(strip $(FUZZ_SKIP)),echo "skipped (source missing):" \
		"$(strip $(FUZZ_SKIP))";) \
	exit $$fail

fmt-check:
	clang-format --dry-run --Werror src/*.c src/simulate/*.[ch] include/*.h

-include $(wildcard $(BUILD)/obj/*.d $(BUILD)/obj/simulate/*.d $(BUILD)/obj/helpers/*.d $(BUILD)/tests/*.d)
-include $(wildcard $(FUZZ_BUILD)/obj/*.d $(FUZZ_BUILD)/obj/simulate/*.d)
