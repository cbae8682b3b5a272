# initramfs-hook/: gpupt's integration with the initramfs generators
# (initramfs-tools, dracut, mkinitcpio) and the sample /etc/gpupt.conf.
#
# initramfs-tools reads only /usr/share/initramfs-tools and
# /etc/initramfs-tools, so the hooks work with PREFIX=/usr (the default);
# with another PREFIX they are installed but no generator finds them.

# Where the binder is installed; substituted for @BINDER@ in every hook.
HOOKS_BINDER = $(PREFIX)/lib/gpupt/gpupt-bind
HOOKS_SYSCONF := /etc

# source:installed path:mode
HOOKS_FILES = \
	initramfs-hook/initramfs-tools/hook:$(PREFIX)/share/initramfs-tools/hooks/gpupt:0755 \
	initramfs-hook/initramfs-tools/init-top:$(PREFIX)/share/initramfs-tools/scripts/init-top/gpupt:0755 \
	initramfs-hook/initramfs-tools/init-premount:$(PREFIX)/share/initramfs-tools/scripts/init-premount/gpupt:0755 \
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
	@conf="$(DESTDIR)$(HOOKS_SYSCONF)/gpupt.conf"; \
	if [ -e "$$conf" ]; then echo "kept existing $$conf"; \
	else install -D -m 0644 initramfs-hook/gpupt.conf "$$conf" && echo "installed $$conf"; fi

# The conf is removed only while it is still the untouched sample.
uninstall-hooks:
	@for f in $(HOOKS_FILES); do \
		rest=$${f#*:}; rm -f "$(DESTDIR)$${rest%:*}"; \
	done
	@rmdir "$(DESTDIR)$(PREFIX)/lib/dracut/modules.d/90gpupt" 2>/dev/null || true
	@conf="$(DESTDIR)$(HOOKS_SYSCONF)/gpupt.conf"; \
	if cmp -s initramfs-hook/gpupt.conf "$$conf"; then rm -f "$$conf"; \
	elif [ -e "$$conf" ]; then echo "kept $$conf (edited since install; remove it by hand if unwanted)"; fi

INSTALL_TARGETS += install-hooks
UNINSTALL_TARGETS += uninstall-hooks
.PHONY: install-hooks uninstall-hooks
