#!/bin/sh
# dracut module "gpupt": puts gpupt-bind, /etc/gpupt.conf and the
# passthrough drivers into the image and runs the binder in the pre-udev
# hook, which runs before udevd starts (dracut-pre-udev.service is
# Before=systemd-udevd.service), so before the coldplug loads host drivers.
#
# check() returns 255: dracut includes the module only when asked, and the
# drop-in dracut.conf.d/90-gpupt.conf installed with it asks.  Not 0 when
# /etc/gpupt.conf exists: a selection made only on the kernel command line
# (gpupt.ids=...) has no conf and must still work, and 255 lets an admin
# drop the module with omit_dracutmodules+=" gpupt " or by removing the
# drop-in.  Build-time problems are warnings: a failing module would stop
# every kernel update.

# GPUPT_BIND, GPUPT_CONF and GPUPT_ROOT (where sys/ is) exist for the test
# suite only.  dracut sources this file into its own shell, so every name of
# ours starts with gpupt_.
# dracutsysrootdir (the root the image is built from; inst adds it itself)
# and srcmods (its /lib/modules/<kernel>) are dracut's.
gpupt_bind=${GPUPT_BIND:-@BINDER@}
gpupt_conf=${GPUPT_CONF:-/etc/gpupt.conf}

check() {
	return 255
}

depends() {
	return 0
}

# True when the kernel being built for has a module whose name matches the
# extended regex $1, as a file or built in.  vfio_virqfd is a module up to
# 6.1 and part of vfio since: decided per kernel, never by a fixed list.
gpupt_kernel_has_module() {
	# shellcheck disable=SC2154 # srcmods is set by dracut
	grep -q -E "(^|/)$1\.ko(\.[a-z0-9]+)?(:|$)" \
		"${srcmods:-${dracutsysrootdir-}/lib/modules/${kernel-}}/modules.dep" \
		"${srcmods:-${dracutsysrootdir-}/lib/modules/${kernel-}}/modules.builtin" 2>/dev/null
}

# The value of the last valid "driver = NAME" line of the conf, read as the binder
# reads it: '#' starts a comment at the line start or after a blank or a
# closing quote; a value may be quoted; NAME is [a-z0-9_-]{1,31}.
gpupt_conf_driver() {
	[ -f "${dracutsysrootdir-}$gpupt_conf" ] || return 0
	sed -n -e 's/^[[:space:]]*#.*//' -e 's/\([[:space:]"]\)#.*/\1/' \
		-e 's/^[[:space:]]*driver[[:space:]]*=[[:space:]]*\([a-z0-9_-]\{1,31\}\)[[:space:]]*$/\1/p' \
		-e 's/^[[:space:]]*driver[[:space:]]*=[[:space:]]*"\([a-z0-9_-]\{1,31\}\)"[[:space:]]*$/\1/p' \
		"${dracutsysrootdir-}$gpupt_conf" | tail -n 1
}

# The host's watchdog (watchdog0), as gpupt enable finds it: its device's
# driver's module; for one without a parent device (i6300esb's is virtual)
# the module whose drivers/ lists its identity; softdog for the software
# one.  A trial boot's gpupt.watchdog= makes the binder load it and arm
# /dev/watchdog before anything can hang.
gpupt_watchdog_module() {
	gpupt_wd_sys=${GPUPT_ROOT:-}/sys/class/watchdog/watchdog0
	if [ -L "$gpupt_wd_sys/device/driver/module" ]; then
		gpupt_wd=$(readlink "$gpupt_wd_sys/device/driver/module") || return 0
		echo "${gpupt_wd##*/}"
		return 0
	fi
	[ -r "$gpupt_wd_sys/identity" ] || return 0
	IFS= read -r gpupt_wd_id <"$gpupt_wd_sys/identity" || [ -n "$gpupt_wd_id" ] || return 0
	if [ "$gpupt_wd_id" = "Software Watchdog" ]; then
		echo softdog
		return 0
	fi
	for gpupt_wd in "${GPUPT_ROOT:-}"/sys/module/*/drivers/*:"$gpupt_wd_id"; do
		[ -e "$gpupt_wd" ] || [ -L "$gpupt_wd" ] || continue
		gpupt_wd=${gpupt_wd%/drivers/*}
		echo "${gpupt_wd##*/}"
		return 0
	done
}

# vfio-pci has no pci: alias, so hostonly mode would leave it out: hostonly=''.
installkernel() {
	gpupt_modules="vfio vfio_iommu_type1 vfio_pci"
	if gpupt_kernel_has_module vfio_virqfd; then
		gpupt_modules="$gpupt_modules vfio_virqfd"
	fi
	if gpupt_kernel_has_module 'pci[-_]stub'; then
		gpupt_modules="$gpupt_modules pci_stub"
	fi
	gpupt_driver=$(gpupt_conf_driver | tr - _)
	case " $gpupt_modules " in
	*" $gpupt_driver "*) ;;
	*) [ -z "$gpupt_driver" ] || gpupt_modules="$gpupt_modules $gpupt_driver" ;;
	esac
	gpupt_watchdog=$(gpupt_watchdog_module | tr - _)
	if [ -n "$gpupt_watchdog" ] && gpupt_kernel_has_module "$gpupt_watchdog"; then
		gpupt_modules="$gpupt_modules $gpupt_watchdog"
	fi
	# shellcheck disable=SC2086 # one module name per word
	hostonly='' instmods $gpupt_modules
}

install() {
	if [ -x "${dracutsysrootdir-}$gpupt_bind" ]; then
		inst "$gpupt_bind" "@BINDER@"
	else
		dwarn "gpupt: $gpupt_bind is missing; the image will boot without binding any device early (reinstall gpupt, then dracut -f)"
	fi
	if [ -f "${dracutsysrootdir-}$gpupt_conf" ]; then
		inst "$gpupt_conf" /etc/gpupt.conf
	fi
	# shellcheck disable=SC2154 # moddir is set by dracut
	inst_hook pre-udev 10 "$moddir/gpupt-pre-udev.sh"
}
