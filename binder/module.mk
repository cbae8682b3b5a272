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
# The packager's CPPFLAGS/CFLAGS/LDFLAGS come first, so their hardening
# flags apply and the size flags after them win over their -O2.  Stripping
# is the packager's (dh_strip) or `make install-strip`'s job, not the link's.
BINDER_CFLAGS = $(WARN) $(ALL_CPPFLAGS) $(CFLAGS) -Os -flto -ffunction-sections -fdata-sections \
	-fno-pie -fno-asynchronous-unwind-tables -fno-unwind-tables
BINDER_LDFLAGS = $(LDFLAGS) -Os -flto -fno-asynchronous-unwind-tables -fno-unwind-tables -static -no-pie -Wl,--gc-sections -Wl,--build-id=none \
	-Wl,-z,noseparate-code -Wl,-z,common-page-size=64
# An archive of LTO objects needs the plugin-aware ar.
BINDER_AR = gcc-ar
endif

BINS += $(BINDER)

$(BINDER_OBJDIR)/%.o: %.c
	@mkdir -p $(@D)
	$(BINDER_CC) $(BINDER_CFLAGS) -MMD -MP -c -o $@ $<

$(BINDER_LIB): $(LIB_SRCS:%.c=$(BINDER_OBJDIR)/%.o)
	@rm -f $@
	$(BINDER_AR) rcs $@ $^

$(BINDER): $(BINDER_OBJS) $(BINDER_LIB)
	$(BINDER_CC) -o $@ $^ $(BINDER_LDFLAGS)

# make demo: what the binder would do on a copy of the seed host.
demo-run: $(BINDER)
	@rm -rf $(B)/demo-root
	@sh $(BINDER_ROOT_BUILDER) seed $(B)/demo-root
	@echo '$$ cat $(B)/demo-root/proc/cmdline'
	@cat $(B)/demo-root/proc/cmdline
	@echo '$$ gpupt-bind --dry-run --verbose --root $(B)/demo-root'
	@$(BINDER) --dry-run --verbose --root $(B)/demo-root; echo "(exit status $$?)"

# The size that ships: a stripped copy.
size: $(BINDER)
	@strip -o $(BINDER).stripped $(BINDER)
	@echo "$(BINDER): $$(wc -c <$(BINDER).stripped) bytes stripped ($(BINDER_CC), static)"

install-binder: $(BINDER)
	install -D -m 0755 $(BINDER) $(DESTDIR)$(LIBEXECDIR)/gpupt/gpupt-bind
uninstall-binder:
	rm -f $(DESTDIR)$(LIBEXECDIR)/gpupt/gpupt-bind
	-rmdir $(DESTDIR)$(LIBEXECDIR)/gpupt 2>/dev/null
INSTALL_TARGETS += install-binder
UNINSTALL_TARGETS += uninstall-binder
.PHONY: install-binder uninstall-binder
