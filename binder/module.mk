# binder/: gpupt-bind, the static early-boot binder (libc only).
#
# Built with musl-gcc for size (plain $(CC) -static when musl-gcc is
# absent), from its own objects: the parsers, sysfs helpers and lib/ are
# compiled again with the binder's compiler and flags into $(BINDER_OBJDIR);
# lib/ goes in as an archive, so only the helpers the binder calls are linked.  With
# SANITIZE=1 it is built with $(CC) and the sanitizers instead (dynamic:
# ASan does not link statically).
BINDER := $(B)/gpupt-bind
BINDER_OBJDIR := $(B)/binder-obj
BINDER_SRCS := $(sort $(wildcard binder/*.c)) $(PARSE_SRCS) $(SYSFS_SRCS)
BINDER_OBJS := $(BINDER_SRCS:%.c=$(BINDER_OBJDIR)/%.o)
BINDER_LIB := $(BINDER_OBJDIR)/libgpupt.a
BINDER_ROOT_BUILDER := tests/fixtures/pciroot.sh

ifeq ($(SANITIZE),1)
BINDER_AR = $(AR)
BINDER_CC = $(CC)
BINDER_CFLAGS = $(ALL_CFLAGS)
BINDER_LDFLAGS = $(ALL_LDFLAGS)
else
BINDER_CC = $(if $(shell command -v musl-gcc 2>/dev/null),musl-gcc,$(CC))
# Size flags: link-time optimisation (lib/ helpers inline into their one
# caller), unused functions and data dropped (--gc-sections), no unwind
# tables, no PIE (static anyway), and segments packed in the file rather
# than page-aligned (common-page-size; max-page-size stays 4096, so the
# kernel maps them as usual).
BINDER_CFLAGS = $(WARN) -Os -flto -ffunction-sections -fdata-sections -fno-pie \
	-fno-asynchronous-unwind-tables -fno-unwind-tables -I.
BINDER_LDFLAGS = -Os -flto -static -no-pie -s -Wl,--gc-sections -Wl,--build-id=none \
	-Wl,-z,noseparate-code -Wl,-z,norelro -Wl,-z,common-page-size=64
# An archive of LTO objects needs the plugin-aware ar.
BINDER_AR = gcc-ar
endif

BINS += $(BINDER)

$(BINDER_OBJDIR)/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(BINDER_CC) $(BINDER_CFLAGS) -MMD -MP -c -o $@ $<

$(BINDER_LIB): $(LIB_SRCS:%.c=$(BINDER_OBJDIR)/%.o)
	$(BINDER_AR) rcs $@ $^

$(BINDER): $(BINDER_OBJS) $(BINDER_LIB)
	$(BINDER_CC) -o $@ $^ $(BINDER_LDFLAGS)

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

install-binder: $(BINDER)
	install -D -m 0755 $(BINDER) $(DESTDIR)$(PREFIX)/lib/gpupt/gpupt-bind
uninstall-binder:
	rm -f $(DESTDIR)$(PREFIX)/lib/gpupt/gpupt-bind
	-rmdir $(DESTDIR)$(PREFIX)/lib/gpupt 2>/dev/null
INSTALL_TARGETS += install-binder
UNINSTALL_TARGETS += uninstall-binder
.PHONY: install-binder uninstall-binder
