# initramfs-hook/: gpupt's integration with the initramfs generators
# (initramfs-tools, dracut, mkinitcpio) and the example gpupt.conf.
#
# initramfs-tools reads only /usr/share/initramfs-tools and
# /etc/initramfs-tools, so the hooks work with PREFIX=/usr (the default);
# with another PREFIX they are installed but no generator finds them.
# The defaults repeat the top Makefile's: the hook tests use this file alone.
PREFIX ?= /usr
LIBEXECDIR ?= $(PREFIX)/lib
DATADIR ?= $(PREFIX)/share

# Where the binder is installed; substituted for @BINDER@ in every hook.
HOOKS_BINDER = $(LIBEXECDIR)/gpupt/gpupt-bind
# /etc/gpupt.conf belongs to `gpupt enable`: only an example is installed.
HOOKS_EXAMPLE = $(DATADIR)/doc/gpupt/examples/gpupt.conf

# source:installed path:mode
HOOKS_FILES = \
	initramfs-hook/initramfs-tools/hook:$(DATADIR)/initramfs-tools/hooks/gpupt:0755 \
	initramfs-hook/initramfs-tools/init-top:$(DATADIR)/initramfs-tools/scripts/init-top/gpupt:0755 \
	initramfs-hook/initramfs-tools/init-premount:$(DATADIR)/initramfs-tools/scripts/init-premount/gpupt:0755 \
	initramfs-hook/dracut/module-setup.sh:$(PREFIX)/lib/dracut/modules.d/90gpupt/module-setup.sh:0755 \
	initramfs-hook/dracut/gpupt-pre-udev.sh:$(PREFIX)/lib/dracut/modules.d/90gpupt/gpupt-pre-udev.sh:0755 \
	initramfs-hook/dracut/90-gpupt.conf:$(PREFIX)/lib/dracut/dracut.conf.d/90-gpupt.conf:0644 \
	initramfs-hook/mkinitcpio/install:$(PREFIX)/lib/initcpio/install/gpupt:0644 \
	initramfs-hook/mkinitcpio/hook:$(PREFIX)/lib/initcpio/hooks/gpupt:0644

HOOKS_SRCS = $(foreach f,$(HOOKS_FILES),$(firstword $(subst :, ,$(f))))

SHELL_SCRIPTS += $(filter-out %.conf,$(HOOKS_SRCS))

# Each file is written to a temporary name and renamed, so an interrupted
# install never leaves a half-written hook for the next update-initramfs.
install-hooks:
	@set -e; for f in $(HOOKS_FILES); do \
		src=$${f%%:*}; rest=$${f#*:}; dst="$(DESTDIR)$${rest%:*}"; mode=$${rest##*:}; \
		mkdir -p "$${dst%/*}"; \
		sed 's|@BINDER@|$(HOOKS_BINDER)|g' "$$src" >"$$dst.tmp"; \
		chmod "$$mode" "$$dst.tmp"; mv -f "$$dst.tmp" "$$dst"; \
		echo "installed $$dst"; \
	done
	@install -D -m 0644 initramfs-hook/gpupt.conf "$(DESTDIR)$(HOOKS_EXAMPLE)"
	@echo "installed $(DESTDIR)$(HOOKS_EXAMPLE)"

# /etc/gpupt.conf is left alone: gpupt disable is what takes a selection away.
uninstall-hooks:
	@for f in $(HOOKS_FILES); do \
		rest=$${f#*:}; rm -f "$(DESTDIR)$${rest%:*}"; \
	done
	@rmdir "$(DESTDIR)$(PREFIX)/lib/dracut/modules.d/90gpupt" 2>/dev/null || true
	@# The hook's records of the images: nothing keeps them true without it.
	@rm -rf "$(DESTDIR)/var/lib/gpupt/initramfs"
	@rm -f "$(DESTDIR)$(HOOKS_EXAMPLE)"
	@rmdir "$(DESTDIR)$(DATADIR)/doc/gpupt/examples" "$(DESTDIR)$(DATADIR)/doc/gpupt" 2>/dev/null || true

INSTALL_TARGETS += install-hooks
UNINSTALL_TARGETS += uninstall-hooks
.PHONY: install-hooks uninstall-hooks
