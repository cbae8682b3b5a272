# binder/: gpupt-bind, the static early-boot binder (libc only).
#
# Built with musl-gcc for size (plain $(CC) -static when musl-gcc is
# absent), from its own objects: the parsers and sysfs helpers are compiled
# again with the binder's compiler and flags into $(BINDER_OBJDIR).  With
# SANITIZE=1 it is built with $(CC) and the sanitizers instead (dynamic:
# ASan does not link statically).
BINDER := $(B)/gpupt-bind
BINDER_OBJDIR := $(B)/binder-obj
BINDER_SRCS := $(sort $(wildcard binder/*.c)) $(PARSE_SRCS) $(SYSFS_SRCS)
BINDER_OBJS := $(BINDER_SRCS:%.c=$(BINDER_OBJDIR)/%.o)
BINDER_ROOT_BUILDER := tests/fixtures/pciroot.sh

ifeq ($(SANITIZE),1)
BINDER_CC = $(CC)
BINDER_CFLAGS = $(ALL_CFLAGS)
BINDER_LDFLAGS = $(ALL_LDFLAGS)
else
BINDER_CC = $(if $(shell command -v musl-gcc 2>/dev/null),musl-gcc,$(CC))
# Size flags: unused functions and data dropped (--gc-sections), no unwind
# tables, no PIE (static anyway), and segments packed in the file rather
# than page-aligned (common-page-size; max-page-size stays 4096, so the
# kernel maps them as usual).
BINDER_CFLAGS = $(WARN) -Os -ffunction-sections -fdata-sections -fno-pie \
	-fno-asynchronous-unwind-tables -fno-unwind-tables -I.
BINDER_LDFLAGS = -static -no-pie -s -Wl,--gc-sections -Wl,--build-id=none \
	-Wl,-z,noseparate-code -Wl,-z,norelro -Wl,-z,common-page-size=64
endif

BINS += $(BINDER)

$(BINDER_OBJDIR)/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(BINDER_CC) $(BINDER_CFLAGS) -MMD -MP -c -o $@ $<

$(BINDER): $(BINDER_OBJS)
	$(BINDER_CC) -o $@ $^ $(BINDER_LDFLAGS)

# Shell tests: fixture roots built by tests/fixtures/pciroot.sh, the binder
# run on them, and exact assertions on what it wrote and logged.
SHELL_SCRIPTS += $(BINDER_ROOT_BUILDER) tests/binder/test-binder.sh scripts/bench-binder
TEST_SCRIPTS += "sh tests/binder/test-binder.sh $(BINDER)"

# make demo: what the binder would do on a copy of the seed host.
demo: $(BINDER)
	@rm -rf $(B)/demo-root
	@sh $(BINDER_ROOT_BUILDER) seed $(B)/demo-root
	@echo '$$ cat $(B)/demo-root/proc/cmdline'
	@cat $(B)/demo-root/proc/cmdline
	@echo '$$ gpupt-bind --dry-run --verbose --root $(B)/demo-root'
	@$(BINDER) --dry-run --verbose --root $(B)/demo-root; echo "(exit status $$?)"

size: $(BINDER)
	@echo "$(BINDER): $$(wc -c <$(BINDER)) bytes ($(BINDER_CC), static, stripped)"

bench-binder: $(BINDER)
	sh scripts/bench-binder $(BINDER) $(B)/bench-binder
BENCH_TARGETS += bench-binder

install-binder: $(BINDER)
	install -D -m 0755 $(BINDER) $(DESTDIR)$(PREFIX)/lib/gpupt/gpupt-bind
uninstall-binder:
	rm -f $(DESTDIR)$(PREFIX)/lib/gpupt/gpupt-bind
	-rmdir $(DESTDIR)$(PREFIX)/lib/gpupt 2>/dev/null
INSTALL_TARGETS += install-binder
UNINSTALL_TARGETS += uninstall-binder
.PHONY: bench-binder install-binder uninstall-binder

# Unit tests of the sysfs helpers, on a tree built by the test itself.
TESTS += $(B)/tests/test-binder-sysfs
# (sysfs/ reads hex with gpupt_parse_hex() from the parsers' library.)
$(B)/tests/test-binder-sysfs: $(B)/tests/test_binder_sysfs.o $(SYSFS_OBJS) $(PARSE_LIB)
	$(CC) -o $@ $^ $(ALL_LDFLAGS) -lcmocka
