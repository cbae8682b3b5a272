# gpupt — GPU passthrough that boots right.
#
# Each part of the tree adds itself through its own module.mk, appending to
# the lists below; this file holds only the shared rules.
.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
# Keep test objects between runs: they are intermediate files otherwise.
.SECONDARY:

# One version, shown by gpupt --version, gpupt-bind --version and the package.
VERSION := $(shell cat VERSION)

# Install directories (initramfs-tools and dracut only look below /usr and /etc).
PREFIX ?= /usr
SBINDIR ?= $(PREFIX)/sbin
LIBEXECDIR ?= $(PREFIX)/lib
DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
SYSCONFDIR ?= /etc
DESTDIR ?=

CC ?= cc
PKG_CONFIG ?= pkg-config
CFLAGS ?= -O2 -g
FUZZ_SECONDS ?= 20
# Warnings are errors in development and CI (make check, demo, lint turn
# this on), not in a packager's build, where a newer compiler may warn.
WERROR ?= 0

WARN := -std=c11 -Wall -Wextra -D_GNU_SOURCE $(if $(filter 1,$(WERROR)),-Werror)
ALL_CPPFLAGS = -I. -DGPUPT_VERSION='"$(VERSION)"' $(CPPFLAGS)
ifeq ($(SANITIZE),1)
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
B := build-san
else
SAN :=
B := build
endif
ALL_CFLAGS = $(WARN) $(ALL_CPPFLAGS) $(CFLAGS) $(SAN)
ALL_LDFLAGS = $(LDFLAGS) $(SAN)

BINS :=			# programs built by `make`
TESTS :=		# test programs run by `make check` (exit 0 = pass)
TEST_SCRIPTS :=		# shell tests run by `make check`
FUZZERS :=		# NAME: tests/fuzz/fuzz-NAME.c, corpus tests/fuzz/corpus/NAME/
FUZZ_SRCS :=		# pure sources the fuzzers link against
SHELL_SCRIPTS :=	# checked by `make lint` (shellcheck -s sh)
BASH_SCRIPTS :=		# checked by `make lint` (shellcheck -s bash)
INSTALL_TARGETS :=
UNINSTALL_TARGETS :=
BENCH_TARGETS :=

# Dependencies run one way: lib <- selection <- cmdline, conf <- binder, host.
# lib/: generic helpers (libc only).  PURE_LIB_SRCS are the ones without I/O
# that the parsers and fuzzers need; the binder links what it uses of lib/.
LIB_SRCS := $(sort $(wildcard lib/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(B)/%.o)
LIB_A := $(B)/libgpupt.a
PURE_LIB_SRCS := lib/strbuf.c lib/number.c lib/kernel-cmdline.c lib/sha256.c

# The selection model and its two sources, pure and fuzzed.
PARSE_SRCS := $(sort $(wildcard selection/*.c cmdline/*.c conf/*.c))
PARSE_OBJS := $(PARSE_SRCS:%.c=$(B)/%.o)
PARSE_LIB := $(B)/libgpupt-parse.a
FUZZ_SRCS += $(PARSE_SRCS) $(PURE_LIB_SRCS)

# sysfs/: libc-only PCI sysfs helpers shared by the binder and the host tool.
SYSFS_SRCS := $(sort $(wildcard sysfs/*.c))
SYSFS_OBJS := $(SYSFS_SRCS:%.c=$(B)/%.o)

# Laid out by clang-format (.clang-format); the tests are not: their expected
# outputs are tables laid out by hand.
FORMATTED_SRCS = $(filter-out tests/%,$(wildcard */*.[ch] */*/*.[ch]))

DEPS_STAMP := $(B)/.deps-build

include $(sort $(wildcard */module.mk))
include $(sort $(wildcard tests/*/module.mk))

.PHONY: all check check-run lint fuzz fuzz-build bench size demo demo-run install uninstall \
	clean deps check-e2e check-journey

# Plain `make` builds with what is installed: no apt-get, no network.
all: $(BINS)

# The README's two commands (and lint) install what they miss (apt-get, as
# root; otherwise they say what to install), then build with -Werror.
$(DEPS_STAMP): scripts/deps-build.txt scripts/install-deps
	@sh scripts/install-deps scripts/deps-build.txt
	@mkdir -p $(@D) && touch $@

deps: $(DEPS_STAMP)

# Built JOBS at a time (default: the number of CPUs).
JOBS ?= $(shell nproc 2>/dev/null || echo 1)
check demo: deps
	@$(MAKE) -j$(JOBS) --no-print-directory WERROR=1 $@-run

$(B)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

# Archives are made afresh: `ar r` keeps members whose sources are gone.
$(PARSE_LIB): $(PARSE_OBJS)
	@mkdir -p $(@D)
	@rm -f $@
	$(AR) rcs $@ $^

$(LIB_A): $(LIB_OBJS)
	@mkdir -p $(@D)
	@rm -f $@
	$(AR) rcs $@ $^

# Fuzzers replay their saved corpus in every `make check`, built without libFuzzer.
FUZZ_REPLAYS := $(FUZZERS:%=$(B)/replay-%)
$(B)/replay-%: tests/fuzz/fuzz-%.c tests/fuzz/replay.c $(FUZZ_SRCS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(ALL_LDFLAGS)

check-run: all $(TESTS) $(FUZZ_REPLAYS)
	@sh scripts/run-tests $(TESTS) $(TEST_SCRIPTS) $(foreach f,$(FUZZERS),"$(B)/replay-$(f) tests/fuzz/corpus/$(f)")

FUZZ_BINS := $(FUZZERS:%=build-fuzz/fuzz-%)
build-fuzz/fuzz-%: tests/fuzz/fuzz-%.c $(FUZZ_SRCS) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	clang -std=c11 -D_GNU_SOURCE -I. -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -o $@ $^

fuzz-build: $(FUZZ_BINS)

# One run per target, one after the other, for FUZZ_SECONDS each; or, with
# FUZZ_RUNS set, until that many inputs have run (a long campaign:
# `make fuzz FUZZ_RUNS=10000000 FUZZERS=conf FUZZ_LOGS=DIR FUZZ_NICE="nice -n 19"`).
# New inputs go to build-fuzz/corpus-NAME, the log to FUZZ_LOGS/NAME.log.
FUZZ_RUNS ?=
FUZZ_MAX_LEN ?= 8192
FUZZ_LOGS ?= build-fuzz
FUZZ_NICE ?=
FUZZ_LIMIT = $(if $(FUZZ_RUNS),-runs=$(FUZZ_RUNS),-max_total_time=$(FUZZ_SECONDS))
fuzz: $(FUZZ_BINS)
	@set -e; mkdir -p $(FUZZ_LOGS); for f in $(FUZZERS); do \
		mkdir -p build-fuzz/corpus-$$f; \
		echo "fuzz $$f: $(if $(FUZZ_RUNS),$(FUZZ_RUNS) runs,$(FUZZ_SECONDS) s), log $(FUZZ_LOGS)/$$f.log"; \
		$(FUZZ_NICE) build-fuzz/fuzz-$$f $(FUZZ_LIMIT) -max_len=$(FUZZ_MAX_LEN) -print_final_stats=1 -artifact_prefix=$(FUZZ_LOGS)/ \
			build-fuzz/corpus-$$f tests/fuzz/corpus/$$f 2>$(FUZZ_LOGS)/$$f.log || { tail -n 40 $(FUZZ_LOGS)/$$f.log; exit 1; }; \
		grep -E '^#[0-9]+[[:space:]]+DONE|stat::number_of_executed_units|stat::average_exec_per_sec' $(FUZZ_LOGS)/$$f.log; \
	done

lint: $(DEPS_STAMP)
	cppcheck --quiet --error-exitcode=1 --enable=warning,style,performance,portability \
		--inline-suppr --suppress=missingIncludeSystem -I. --std=c11 \
		$(filter-out tests/fuzz/%,$(wildcard */*.c */*/*.c))
	sh scripts/check-includes $(wildcard */*.[ch] */*/*.[ch])
	clang-format --style=file --dry-run -Werror $(FORMATTED_SRCS)
	shellcheck -s sh $(SHELL_SCRIPTS) scripts/install-deps scripts/run-tests scripts/check-includes
	shellcheck -s bash $(BASH_SCRIPTS)

bench: $(BENCH_TARGETS)

install: $(INSTALL_TARGETS)
uninstall: $(UNINSTALL_TARGETS)

clean:
	rm -rf build build-san build-fuzz

-include $(shell find $(B) -path $(B)/e2e -prune -o -name '*.d' -type f -print 2>/dev/null)
