#!/bin/sh
# shellcheck disable=SC2317,SC2034 # the fakes and variables are used by the sourced hooks
# The hooks read "driver = NAME" from /etc/gpupt.conf at image build time
# (to put that driver's module into the image) with a few lines of sed; the
# binder reads the same file at boot with the C parser.  For each conf below,
# all three generators' hooks must pick the driver the binder picks
# (`gpupt-bind --dry-run --verbose` on a scratch root says "driver NAME").
#   usage: test-conf-driver.sh GPUPT-BIND
# shellcheck source=tests/hooks/lib.sh
. "$(dirname "$0")/lib.sh"

bind=${1:-$top/build/gpupt-bind}
if [ ! -x "$bind" ]; then
	echo "FAIL: binder $bind not built (make)"
	exit 1
fi

install_hooks "$scratch/root"
root="$scratch/root"
mkdir -p "$scratch/fix/proc" "$scratch/fix/etc" "$scratch/fix/sys/bus/pci/devices" \
	"$scratch/fix/sys/bus/pci/drivers" "$scratch/fix/dev"
echo quiet >"$scratch/fix/proc/cmdline"
conf="$scratch/fix/etc/gpupt.conf"
modules_tree "$scratch/modules" 6.12
printf '. %s\nmanual_add_modules() { echo "$*" >"%s"; }\n' \
	/dev/null "$scratch/modules-added" >"$scratch/hook-functions"

# The driver the binder uses; the default when the conf names none.
binder_driver()
{
	"$bind" --root "$scratch/fix" --dry-run --verbose 2>&1 |
		sed -n 's/^gpupt: driver \([^;]*\);.*/\1/p' | head -n 1
}

# The extra module the initramfs-tools hook asks for (beyond the vfio set).
itools_driver()
{
	rm -f "$scratch/modules-added"
	DESTDIR="$scratch/image" version=6.12.0-test MODULESDIR="$scratch/modules" \
		GPUPT_HOOK_FUNCTIONS="$scratch/hook-functions" GPUPT_CONF="$conf" \
		GPUPT_BIND="$bind" "$root/usr/share/initramfs-tools/hooks/gpupt" >/dev/null 2>&1
	read -r _ _ _ extra <"$scratch/modules-added"
	echo "$extra"
}

dracut_driver()
{
	(
		GPUPT_CONF="$conf"
		# shellcheck source=/dev/null
		. "$root/usr/lib/dracut/modules.d/90gpupt/module-setup.sh"
		gpupt_conf_driver
	)
}

mkinitcpio_driver()
{
	(
		# shellcheck source=/dev/null
		. "$root/usr/lib/initcpio/install/gpupt"
		gpupt_conf_driver "$conf"
	)
}

# case EXPECTED CONF-TEXT: EXPECTED is the driver ("" = the default), with
# '-' and '_' equal as in module names.
case_()
{
	printf 'ids = 10de:1381\n%s\n' "$2" >"$conf"
	from_binder=$(binder_driver)
	[ -n "$from_binder" ] || fail "binder printed no driver line for [$2]"
	[ "$from_binder" = vfio-pci ] && from_binder=
	label=$(printf '%s' "$2" | tr '\n' '|')
	assert_eq "binder on [$label]" "$1" "$(echo "$from_binder" | tr - _)"
	assert_eq "initramfs-tools hook on [$label]" "$1" "$(itools_driver | tr - _)"
	assert_eq "dracut module on [$label]" "$1" "$(dracut_driver | tr - _)"
	assert_eq "mkinitcpio install on [$label]" "$1" "$(mkinitcpio_driver | tr - _)"
}

case_ my_stub 'driver = my_stub'
case_ my_stub 'driver=my_stub'
case_ my_stub '	driver  =  my-stub  '
case_ my_stub 'driver = "my_stub"'
case_ my_stub 'driver = my_stub # a comment'
case_ my_stub 'driver = "my_stub"# a comment'
case_ '' '# driver = my_stub'
case_ '' 'driver = my_stub#x'
case_ '' 'driver = "my_stub'
case_ '' 'driver = My_Stub'
case_ '' 'driver = ../evil'
case_ '' 'driver = a_name_that_is_longer_than_31_chars'
case_ other_stub 'driver = my_stub
driver = other_stub'
case_ my_stub 'driver = my_stub
driver = not valid'

finish
