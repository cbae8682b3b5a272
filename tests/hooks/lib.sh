#!/bin/sh
# Shared helpers of the initramfs-hook tests: a scratch directory, the hooks
# installed into it by the real install rule, and assertions that count
# failures.  Sourced by every test-*.sh, run from anywhere.

top=$(cd "$(dirname "$0")/../.." && pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/gpupt-hooks.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
failures=0
checks=0

fail()
{
	failures=$((failures + 1))
	echo "FAIL: $*"
}

# assert_eq WHAT EXPECTED ACTUAL
assert_eq()
{
	checks=$((checks + 1))
	[ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"
}

# assert_contains WHAT FILE FIXED-STRING
assert_contains()
{
	checks=$((checks + 1))
	grep -q -F -e "$3" "$2" 2>/dev/null || fail "$1: '$3' not in $2"
}

# assert_lacks WHAT FILE FIXED-STRING
assert_lacks()
{
	checks=$((checks + 1))
	if grep -q -F -e "$3" "$2" 2>/dev/null; then
		fail "$1: '$3' unexpectedly in $2"
	fi
}

# hooks_make TARGET DESTDIR [PREFIX]: the real install rules, read from
# initramfs-hook/module.mk alone so the rest of the tree cannot disturb them.
hooks_make()
{
	make -s -C "$top" -f initramfs-hook/module.mk "$1" DESTDIR="$2" PREFIX="${3:-/usr}"
}

# install_hooks DESTDIR [PREFIX]: `make install-hooks`.
install_hooks()
{
	hooks_make install-hooks "$1" "${2:-/usr}" >/dev/null ||
		fail "make install-hooks DESTDIR=$1 failed"
}

# fake_binder PATH LOG STATUS: an executable that appends its argv and
# GPUPT_PASS to LOG, then exits with STATUS.
fake_binder()
{
	mkdir -p "${1%/*}"
	cat >"$1" <<FAKE
#!/bin/sh
echo "argv=\$* pass=\${GPUPT_PASS:-}" >>"$2"
exit $3
FAKE
	chmod 0755 "$1"
}

# modules_tree DIR VERSION-STYLE: a /lib/modules/<version> with the index
# files the hooks read.  "6.1": plain .ko, vfio_virqfd separate, pci-stub
# built in.  "6.12": .ko.xz, no vfio_virqfd (part of vfio), no pci-stub.
modules_tree()
{
	mkdir -p "$1"
	case "$2" in
	6.1)
		cat >"$1/modules.dep" <<'DEP'
kernel/drivers/vfio/vfio.ko: kernel/drivers/iommu/iommufd/iommufd.ko
kernel/drivers/vfio/vfio_iommu_type1.ko: kernel/drivers/vfio/vfio.ko
kernel/drivers/vfio/vfio_virqfd.ko:
kernel/drivers/vfio/pci/vfio-pci.ko: kernel/drivers/vfio/pci/vfio-pci-core.ko kernel/drivers/vfio/vfio_virqfd.ko kernel/drivers/vfio/vfio.ko
DEP
		echo kernel/drivers/pci/pci-stub.ko >"$1/modules.builtin"
		;;
	6.12)
		cat >"$1/modules.dep" <<'DEP'
kernel/drivers/vfio/vfio.ko.xz: kernel/drivers/iommu/iommufd/iommufd.ko.xz
kernel/drivers/vfio/vfio_iommu_type1.ko.xz: kernel/drivers/vfio/vfio.ko.xz
kernel/drivers/vfio/pci/vfio-pci.ko.xz: kernel/drivers/vfio/pci/vfio-pci-core.ko.xz kernel/drivers/vfio/vfio.ko.xz
kernel/drivers/watchdog/i6300esb.ko.xz:
DEP
		echo kernel/drivers/pci/pcieportdrv.ko >"$1/modules.builtin"
		;;
	esac
}

# watchdog_state DIR: a sys/ under DIR whose watchdog0 is Debian 6.1's
# i6300esb: a virtual device (no parent) whose identity i6300esb's module
# lists in its drivers/.
watchdog_state()
{
	wd_dir=$1/sys/devices/virtual/watchdog/watchdog0
	mkdir -p "$wd_dir" "$1/sys/class/watchdog" "$1/sys/module/i6300esb/drivers" \
		"$1/sys/bus/pci/drivers/i6300ESB timer"
	ln -s ../../devices/virtual/watchdog/watchdog0 "$1/sys/class/watchdog/watchdog0"
	ln -s "../../../bus/pci/drivers/i6300ESB timer" "$1/sys/module/i6300esb/drivers/pci:i6300ESB timer"
	echo "i6300ESB timer" >"$wd_dir/identity"
}

finish()
{
	echo "$checks checks, $failures failed"
	[ "$failures" -eq 0 ]
}

# check_hook_outcomes LABEL RUN AFTER: RUN CASE runs a boot hook with a fake
# binder exiting CASE (0, 1) or with no binder (missing), leaving
# $scratch/argv, $scratch/kmsg and $scratch/after.  Every generator's hook
# must run the binder once, stay quiet on success, log a failure or a
# missing binder, and let boot go on (AFTER is what RUN wrote to after).
check_hook_outcomes()
{
	$2 0
	assert_eq "$1: binder run" "argv= pass=" "$(cat "$scratch/argv")"
	assert_eq "$1: returns 0" "$3" "$(cat "$scratch/after")"
	assert_eq "$1: quiet on success" "" "$(cat "$scratch/kmsg")"
	$2 1
	assert_eq "$1, binder fails: returns 0" "$3" "$(cat "$scratch/after")"
	assert_eq "$1, binder fails: logged" \
		"gpupt: gpupt-bind exited with status 1 (see the gpupt lines above); boot continues" \
		"$(cat "$scratch/kmsg")"
	$2 missing
	assert_eq "$1, no binder: returns 0" "$3" "$(cat "$scratch/after")"
	assert_contains "$1, no binder: logged" "$scratch/kmsg" \
		"gpupt: $scratch/bin/gpupt-bind is missing from the initramfs"
}
