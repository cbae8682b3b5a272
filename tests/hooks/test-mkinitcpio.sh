#!/bin/sh
# shellcheck disable=SC2317,SC2034 # the fakes and variables are used by the sourced hooks
# The installed mkinitcpio hooks (mkinitcpio is not packaged in Debian): the
# install file sourced with add_binary, add_module, add_file, add_runscript
# and warning replaced by recorders, build() called and its calls asserted;
# then the runtime hook sourced and run_earlyhook run with a fake binder.
# shellcheck source=tests/hooks/lib.sh
. "$(dirname "$0")/lib.sh"

install_hooks "$scratch/root"
install_file="$scratch/root/usr/lib/initcpio/install/gpupt"
hook_file="$scratch/root/usr/lib/initcpio/hooks/gpupt"
binder=/usr/lib/gpupt/gpupt-bind
calls="$scratch/calls"
fake_binder "$scratch/bin/gpupt-bind" /dev/null 0

# build_with [CONF-TEXT]: source the install file and run build().
build_with()
{
	rm -f "$calls" "$scratch/conf"
	if [ $# -ge 1 ]; then
		printf '%s\n' "$1" >"$scratch/conf"
	fi
	(
		add_binary() { echo "add_binary $*" >>"$calls"; }
		add_module() { echo "add_module $*" >>"$calls"; }
		add_file() { echo "add_file $*" >>"$calls"; }
		add_runscript() { echo "add_runscript $*" >>"$calls"; }
		warning() { echo "warning $*" >>"$calls"; }
		GPUPT_BIND="${bind:-$scratch/bin/gpupt-bind}"
		GPUPT_CONF="$scratch/conf"
		GPUPT_ROOT="${state:-$scratch/state}"
		# shellcheck source=/dev/null
		. "$install_file"
		build
	)
	status=$?
	touch "$calls"
}

modules="add_module vfio
add_module vfio_iommu_type1
add_module vfio_pci
add_module vfio_virqfd?
add_module pci_stub?"

build_with "ids = 10de:1381"
assert_eq "build: status" 0 "$status"
assert_eq "build with conf" "add_binary $scratch/bin/gpupt-bind $binder
add_file $scratch/conf /etc/gpupt.conf
$modules
add_runscript " "$(cat "$calls")"

build_with "driver = my-stub"
assert_eq "build with a conf driver" "add_binary $scratch/bin/gpupt-bind $binder
add_file $scratch/conf /etc/gpupt.conf
$modules
add_module my-stub?
add_runscript " "$(cat "$calls")"

# The host's watchdog (a trial boot's gpupt-bind arms it), optional as the
# kernel may lack it.
watchdog_state "$scratch/wdstate"
state=$scratch/wdstate build_with "ids = 10de:1381"
assert_eq "build with the host's watchdog" "add_binary $scratch/bin/gpupt-bind $binder
add_file $scratch/conf /etc/gpupt.conf
$modules
add_module i6300esb?
add_runscript " "$(cat "$calls")"

build_with
assert_eq "build without conf" "add_binary $scratch/bin/gpupt-bind $binder
$modules
add_runscript " "$(cat "$calls")"

bind="$scratch/nowhere/gpupt-bind"
build_with
unset bind
assert_eq "build without binder: status" 0 "$status"
assert_eq "build without binder" "warning gpupt: $scratch/nowhere/gpupt-bind is missing; the image will boot without binding any device early (reinstall gpupt, then mkinitcpio -P)
$modules
add_runscript " "$(cat "$calls")"

(
	# shellcheck source=/dev/null
	. "$install_file"
	help
) >"$scratch/help"
assert_contains "help says what it does" "$scratch/help" "vfio-pci"

# early BINDER-STATUS|missing: source the runtime hook as mkinitcpio's init
# does and run run_earlyhook; it must return 0.
early()
{
	rm -f "$scratch/argv" "$scratch/kmsg" "$scratch/bin/gpupt-bind" "$scratch/after"
	[ "$1" = missing ] || fake_binder "$scratch/bin/gpupt-bind" "$scratch/argv" "$1"
	(
		GPUPT_BIND="$scratch/bin/gpupt-bind" GPUPT_KMSG="$scratch/kmsg"
		export GPUPT_BIND GPUPT_KMSG
		# shellcheck source=/dev/null
		. "$hook_file"
		run_earlyhook
		echo "status=$?" >"$scratch/after"
	)
	touch "$scratch/argv" "$scratch/kmsg" "$scratch/after"
}

check_hook_outcomes "early hook" early "status=0"

finish
