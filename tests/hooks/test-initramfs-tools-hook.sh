#!/bin/sh
# The installed initramfs-tools hook, run as mkinitramfs runs it (DESTDIR,
# version, MODULESDIR exported) with the real hook-functions: copy_exec and
# copy_file really copy into the scratch image.  Only manual_add_modules is
# replaced by a recorder, because the real one asks /sbin/modprobe about
# /lib/modules/$version, which a test cannot provide; the decision of which
# modules to ask for is the hook's, and that is what is asserted, on fake
# 6.1 and 6.12 module trees.
# shellcheck source=tests/hooks/lib.sh
. "$(dirname "$0")/lib.sh"

real_functions=/usr/share/initramfs-tools/hook-functions
if [ ! -f "$real_functions" ]; then
	echo "FAIL: $real_functions missing (install initramfs-tools-core)"
	exit 1
fi

install_hooks "$scratch/root"
hook="$scratch/root/usr/share/initramfs-tools/hooks/gpupt"
binder=/usr/lib/gpupt/gpupt-bind
calls="$scratch/calls"

cat >"$scratch/hook-functions" <<EOF2
. $real_functions
manual_add_modules()
{
	echo "manual_add_modules \$*" >>"$calls"
}
EOF2

# run_hook NAME KERNEL-STYLE [CONF-TEXT]: run the hook into image
# $scratch/NAME, for a kernel tree of that style, with that conf (none if
# omitted) and the fake binder.
run_hook()
{
	image="$scratch/$1"
	mkdir -p "$image"
	modules_tree "$scratch/modules-$2" "$2"
	conf="$scratch/conf-$1"
	rm -f "$conf" "$calls"
	if [ $# -ge 3 ]; then
		printf '%s\n' "$3" >"$conf"
	fi
	DESTDIR="$image" version="$2.0-test" MODULESDIR="$scratch/modules-$2" \
		GPUPT_HOOK_FUNCTIONS="$scratch/hook-functions" GPUPT_CONF="$conf" \
		GPUPT_BIND="${bind:-$scratch/bin/gpupt-bind}" \
		"$hook" >"$scratch/out" 2>&1
	status=$?
	touch "$calls"
}

fake_binder "$scratch/bin/gpupt-bind" /dev/null 0

assert_eq "prereqs" "" "$("$hook" prereqs)"

run_hook k61 6.1 "ids = 10de:1381"
assert_eq "exit status (6.1)" 0 "$status"
assert_eq "modules for 6.1" "manual_add_modules vfio vfio_iommu_type1 vfio_pci vfio_virqfd pci_stub" \
	"$(cat "$calls")"
cmp -s "$scratch/bin/gpupt-bind" "$scratch/k61$binder" || fail "binder not copied to $binder in the image"
[ -x "$scratch/k61$binder" ] || fail "binder in the image is not executable"
assert_eq "conf in the image" "ids = 10de:1381" "$(cat "$scratch/k61/etc/gpupt.conf" 2>&1)"

run_hook k612 6.12
assert_eq "exit status (6.12)" 0 "$status"
assert_eq "modules for 6.12 (no vfio_virqfd, no pci-stub)" \
	"manual_add_modules vfio vfio_iommu_type1 vfio_pci" "$(cat "$calls")"
assert_eq "no conf in the image without one on the host" no \
	"$([ -e "$scratch/k612/etc/gpupt.conf" ] && echo yes || echo no)"

# The conf's driver comes along (quoted, commented, repeated, invalid).
run_hook drv 6.12 'driver = "pci-stub"  # keep the host drivers off'
assert_eq "conf driver pci-stub" "manual_add_modules vfio vfio_iommu_type1 vfio_pci pci_stub" \
	"$(cat "$calls")"
run_hook drv2 6.12 "driver = vfio-pci"
assert_eq "conf driver vfio-pci is not added twice" \
	"manual_add_modules vfio vfio_iommu_type1 vfio_pci" "$(cat "$calls")"
run_hook drv3 6.12 "#driver = pci-stub
driver = ../../evil"
assert_eq "commented or invalid driver ignored" \
	"manual_add_modules vfio vfio_iommu_type1 vfio_pci" "$(cat "$calls")"
run_hook drv4 6.1 "driver = pci-stub
driver = my_stub"
assert_eq "the last driver line counts" \
	"manual_add_modules vfio vfio_iommu_type1 vfio_pci vfio_virqfd pci_stub my_stub" "$(cat "$calls")"

# A missing binder warns and lets the build go on.
bind="$scratch/nowhere/gpupt-bind"
run_hook nobind 6.12
unset bind
assert_eq "exit status without binder" 0 "$status"
assert_contains "warning without binder" "$scratch/out" "W: gpupt: $scratch/nowhere/gpupt-bind is missing"
assert_eq "nothing at $binder without binder" no "$([ -e "$scratch/nobind$binder" ] && echo yes || echo no)"
assert_eq "modules still added without binder" \
	"manual_add_modules vfio vfio_iommu_type1 vfio_pci" "$(cat "$calls")"

finish
