#!/bin/sh
# dracut pre-udev hook: bind the devices gpupt selects to their passthrough
# driver before udevd starts and its coldplug loads the host drivers.  The
# binder decides everything (gpupt.off, gpupt.*, /etc/gpupt.conf) and loads
# the driver itself.
#
# Sourced by dracut's init (or by dracut-pre-udev.service): "return", never
# "exit", and every variable is gpupt_* and unset at the end.  Never fails
# the boot.

# GPUPT_BIND and GPUPT_KMSG exist for the test suite only.
gpupt_bind=${GPUPT_BIND:-@BINDER@}
gpupt_kmsg=${GPUPT_KMSG:-/dev/kmsg}

if [ ! -x "$gpupt_bind" ]; then
	gpupt_msg="$gpupt_bind is missing from the initramfs; no device bound early (reinstall gpupt, then run dracut -f)"
else
	"$gpupt_bind"
	gpupt_rc=$?
	gpupt_msg=
	if [ "$gpupt_rc" -ne 0 ]; then
		gpupt_msg="gpupt-bind exited with status $gpupt_rc (see the gpupt lines above); boot continues"
	fi
fi
if [ -n "$gpupt_msg" ]; then
	echo "gpupt: $gpupt_msg" >>"$gpupt_kmsg" 2>/dev/null || echo "gpupt: $gpupt_msg" >&2
fi
unset gpupt_bind gpupt_kmsg gpupt_rc gpupt_msg
return 0
