#!/bin/sh
# shellcheck disable=SC2317,SC2034 # the fakes and variables are used by the sourced module
# The installed dracut module: module-setup.sh's functions called the way
# dracut calls them, with inst, inst_hook, instmods and dwarn replaced by
# recorders; then the pre-udev hook sourced the way dracut's init sources
# it, with a fake binder.
# shellcheck source=tests/hooks/lib.sh
. "$(dirname "$0")/lib.sh"

install_hooks "$scratch/root"
moddir="$scratch/root/usr/lib/dracut/modules.d/90gpupt"
binder=/usr/lib/gpupt/gpupt-bind
calls="$scratch/calls"
fake_binder "$scratch/bin/gpupt-bind" /dev/null 0
modules_tree "$scratch/modules-6.1" 6.1
modules_tree "$scratch/modules-6.12" 6.12

assert_contains "drop-in asks for the module" \
	"$scratch/root/usr/lib/dracut/dracut.conf.d/90-gpupt.conf" 'add_dracutmodules+=" gpupt "'

# setup FUNCTION KERNEL-STYLE [CONF-TEXT]: source module-setup.sh in a
# subshell as dracut does and call FUNCTION; records go to $calls, the
# function's status to $status.
setup()
{
	rm -f "$calls" "$scratch/conf"
	if [ $# -ge 3 ]; then
		printf '%s\n' "$3" >"$scratch/conf"
	fi
	(
		inst() { echo "inst $*" >>"$calls"; }
		inst_hook() { echo "inst_hook $*" >>"$calls"; }
		instmods() { echo "instmods hostonly=[$hostonly] $*" >>"$calls"; }
		dracut_module_included() { return 1; }
		dwarn() { echo "dwarn $*" >>"$calls"; }
		hostonly=yes
		srcmods="$scratch/modules-$2/"
		GPUPT_BIND="${bind:-$scratch/bin/gpupt-bind}"
		GPUPT_CONF="$scratch/conf"
		GPUPT_ROOT="${state:-$scratch/state}"
		# shellcheck source=/dev/null
		. "$moddir/module-setup.sh"
		"$1"
	)
	status=$?
	touch "$calls"
}

setup check 6.1
assert_eq "check: only on request" 255 "$status"
setup depends 6.1
assert_eq "depends: status" 0 "$status"
assert_eq "depends: nothing" "" "$(cat "$calls")"

setup installkernel 6.1
assert_eq "installkernel 6.1" \
	"instmods hostonly=[] vfio vfio_iommu_type1 vfio_pci vfio_virqfd pci_stub" "$(cat "$calls")"
setup installkernel 6.12
assert_eq "installkernel 6.12" "instmods hostonly=[] vfio vfio_iommu_type1 vfio_pci" "$(cat "$calls")"
setup installkernel 6.12 "driver = pci-stub"
assert_eq "installkernel with driver = pci-stub" \
	"instmods hostonly=[] vfio vfio_iommu_type1 vfio_pci pci_stub" "$(cat "$calls")"

# The host's watchdog, when the kernel has it (a trial boot's gpupt-bind arms it).
watchdog_state "$scratch/wdstate"
state=$scratch/wdstate setup installkernel 6.12
assert_eq "installkernel 6.12 with the host's watchdog" \
	"instmods hostonly=[] vfio vfio_iommu_type1 vfio_pci i6300esb" "$(cat "$calls")"
state=$scratch/wdstate setup installkernel 6.1
assert_eq "installkernel 6.1 lacks it: left out" \
	"instmods hostonly=[] vfio vfio_iommu_type1 vfio_pci vfio_virqfd pci_stub" "$(cat "$calls")"

setup install 6.12 "ids = 10de:1381"
assert_eq "install with conf" "inst $scratch/bin/gpupt-bind $binder
inst $scratch/conf /etc/gpupt.conf
inst_hook pre-udev 10 $moddir/gpupt-pre-udev.sh" "$(cat "$calls")"
setup install 6.12
assert_eq "install without conf" "inst $scratch/bin/gpupt-bind $binder
inst_hook pre-udev 10 $moddir/gpupt-pre-udev.sh" "$(cat "$calls")"
bind="$scratch/nowhere/gpupt-bind"
setup install 6.12
unset bind
assert_eq "install without binder: status" 0 "$status"
assert_contains "install without binder: warns" "$calls" "dwarn gpupt: $scratch/nowhere/gpupt-bind is missing"
assert_lacks "install without binder: no inst of it" "$calls" "inst $scratch/nowhere"
assert_contains "install without binder: hook still installed" "$calls" "inst_hook pre-udev 10"

# source_hook BINDER-STATUS|missing: source the hook in a function, as
# dracut's source_hook does, with dracut's helpers present.  It must come
# back (return, not exit) and leave no gpupt_* variables behind.
source_hook()
{
	rm -f "$scratch/argv" "$scratch/kmsg" "$scratch/bin/gpupt-bind" "$scratch/after"
	[ "$1" = missing ] || fake_binder "$scratch/bin/gpupt-bind" "$scratch/argv" "$1"
	(
		getargbool() { return 1; }
		info() { :; }
		warn() { :; }
		run_hook()
		{
			# shellcheck source=/dev/null
			. "$moddir/gpupt-pre-udev.sh"
		}
		GPUPT_BIND="$scratch/bin/gpupt-bind" GPUPT_KMSG="$scratch/kmsg"
		export GPUPT_BIND GPUPT_KMSG
		run_hook
		echo "status=$? leftover=$(set | grep -c '^gpupt_')" >"$scratch/after"
	)
	touch "$scratch/argv" "$scratch/kmsg" "$scratch/after"
}

check_hook_outcomes "hook" source_hook "status=0 leftover=0"

finish
