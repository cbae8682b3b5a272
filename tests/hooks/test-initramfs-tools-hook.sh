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
		printf "%s${conf_end-\\n}" "$3" >"$conf"
	fi
	DESTDIR="$image" version="$2.0-test" MODULESDIR="$scratch/modules-$2" \
		GPUPT_HOOK_FUNCTIONS="$scratch/hook-functions" GPUPT_CONF="$conf" \
		GPUPT_BIND="${bind:-$scratch/bin/gpupt-bind}" GPUPT_ROOT="${state:-$scratch/state}" \
		"$hook" >"$scratch/out" 2>&1
	status=$?
	touch "$calls"
}

# listing DIR: every name in DIR, hidden ones too, sorted, on one line.
listing()
{
	find "$1" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort | tr '\n' ' '
}

fake_binder "$scratch/bin/gpupt-bind" /dev/null 0
bind_sum=$(sha256sum <"$scratch/bin/gpupt-bind")
bind_sum=${bind_sum%% *}
records="$scratch/state/var/lib/gpupt/initramfs"

assert_eq "prereqs" "" "$("$hook" prereqs)"

run_hook k61 6.1 "ids = 10de:1381"
assert_eq "exit status (6.1)" 0 "$status"
assert_eq "modules for 6.1" "manual_add_modules vfio vfio_iommu_type1 vfio_pci vfio_virqfd pci_stub" \
	"$(cat "$calls")"
cmp -s "$scratch/bin/gpupt-bind" "$scratch/k61$binder" || fail "binder not copied to $binder in the image"
[ -x "$scratch/k61$binder" ] || fail "binder in the image is not executable"
assert_eq "conf in the image" "ids = 10de:1381" "$(cat "$scratch/k61/etc/gpupt.conf" 2>&1)"
# The record: what went in, the conf byte for byte (16 bytes, then a newline
# of the record's own before "end").
assert_eq "record (6.1)" "gpupt-initramfs 1
kernel 6.1.0-test
binder $binder $bind_sum
modules vfio vfio_iommu_type1 vfio_pci vfio_virqfd pci_stub
conf 16
ids = 10de:1381

end" "$(cat "$records/6.1.0-test" 2>&1)"
assert_eq "record mode" "-rw-r--r--" "$(stat -c %A "$records/6.1.0-test")"

run_hook k612 6.12
assert_eq "exit status (6.12)" 0 "$status"
assert_eq "modules for 6.12 (no vfio_virqfd, no pci-stub)" \
	"manual_add_modules vfio vfio_iommu_type1 vfio_pci" "$(cat "$calls")"
assert_eq "no conf in the image without one on the host" no \
	"$([ -e "$scratch/k612/etc/gpupt.conf" ] && echo yes || echo no)"
assert_eq "record (6.12, no conf)" "gpupt-initramfs 1
kernel 6.12.0-test
binder $binder $bind_sum
modules vfio vfio_iommu_type1 vfio_pci
conf none
end" "$(cat "$records/6.12.0-test" 2>&1)"
assert_eq "6.1's record stays" "gpupt-initramfs 1" "$(head -n 1 "$records/6.1.0-test")"
assert_eq "no temp file left" "6.1.0-test 6.12.0-test " "$(listing "$records")"

# The host's watchdog goes into the image (a trial boot's gpupt-bind arms it),
# when the kernel has it: as Debian's 6.1 shows i6300esb's (a virtual device
# whose identity its module's drivers/ lists), one with a parent device
# (its driver's module), and softdog by its identity.
watchdog_state "$scratch/wdstate"
wd=$wd_dir
state=$scratch/wdstate run_hook wd612 6.12
assert_eq "the host's watchdog module (6.12 has i6300esb)" \
	"manual_add_modules vfio vfio_iommu_type1 vfio_pci i6300esb" "$(cat "$calls")"
state=$scratch/wdstate run_hook wd61 6.1
assert_eq "not when the kernel lacks it (6.1 here)" \
	"manual_add_modules vfio vfio_iommu_type1 vfio_pci vfio_virqfd pci_stub" "$(cat "$calls")"
mkdir -p "$scratch/wdstate/sys/devices/pci0000:00/0000:00:07.0"
ln -s ../../../bus/pci/drivers/other "$scratch/wdstate/sys/devices/pci0000:00/0000:00:07.0/driver"
mkdir -p "$scratch/wdstate/sys/bus/pci/drivers/other"
ln -s ../../../../module/i6300esb "$scratch/wdstate/sys/bus/pci/drivers/other/module"
ln -s ../../../pci0000:00/0000:00:07.0 "$wd/device"
echo "another identity" >"$wd/identity"
state=$scratch/wdstate run_hook wdparent 6.12
assert_eq "a parent device: its driver's module" \
	"manual_add_modules vfio vfio_iommu_type1 vfio_pci i6300esb" "$(cat "$calls")"
rm "$wd/device"
echo "Software Watchdog" >"$wd/identity"
state=$scratch/wdstate run_hook wdsoft 6.12
assert_eq "softdog, not in this kernel: left out" \
	"manual_add_modules vfio vfio_iommu_type1 vfio_pci" "$(cat "$calls")"

# A conf without a final newline is recorded as it is, byte for byte.
conf_end='' run_hook raw 6.12 'addrs = 01:00'
assert_eq "record of a conf without a final newline" "conf 13
addrs = 01:00
end" "$(tail -n 3 "$records/6.12.0-test")"

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
assert_eq "record without binder" "binder none" "$(sed -n 3p "$records/6.12.0-test")"

# A record that cannot be written never fails the build; the old one goes,
# so that it cannot describe the new image.
mkdir -p "$scratch/full/var/lib/gpupt"
: >"$scratch/full/var/lib/gpupt/initramfs"
state="$scratch/full" run_hook full 6.12
assert_eq "exit status, record not writable" 0 "$status"
assert_contains "warning, record not writable" "$scratch/out" \
	"W: gpupt: cannot write in $scratch/full/var/lib/gpupt/initramfs; gpupt enable will rebuild this image every time"
assert_eq "binder still in the image" yes "$([ -x "$scratch/full$binder" ] && echo yes || echo no)"
# sha256sum failing half-way: no record at all, the old one gone too.
mkdir -p "$scratch/failbin"
printf '#!/bin/sh\nexit 1\n' >"$scratch/failbin/sha256sum"
chmod 0755 "$scratch/failbin/sha256sum"
echo "gpupt-initramfs 1" >"$records/6.12.0-test"
PATH="$scratch/failbin:$PATH" run_hook failsum 6.12
assert_eq "exit status, checksum fails" 0 "$status"
assert_contains "warning, checksum fails" "$scratch/out" \
	"W: gpupt: cannot write $records/6.12.0-test; gpupt enable will rebuild this image every time"
assert_eq "old record gone, no temp file" "6.1.0-test " "$(listing "$records")"

finish
