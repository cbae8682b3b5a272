#!/bin/sh
# The claim init-top/gpupt rests on: mkinitramfs' own ordering (the real
# cache_run_scripts of hook-functions: PREREQ pairs through tsort) puts
# gpupt ahead of udev in scripts/init-top/ORDER.  The neighbours are the
# real scripts of the build host when installed, else stand-ins with the
# same (empty) PREREQ.  A control script with a PREREQ must land after
# udev, or the test could not tell anything apart.
# shellcheck source=tests/hooks/lib.sh
. "$(dirname "$0")/lib.sh"

real_functions=/usr/share/initramfs-tools/hook-functions
if [ ! -f "$real_functions" ]; then
	echo "FAIL: $real_functions missing (install initramfs-tools-core)"
	exit 1
fi

install_hooks "$scratch/root"
installed="$scratch/root/usr/share/initramfs-tools/scripts"

# What mkinitramfs does: the image gets copies of the scripts, and each
# script's PREREQ is read from CONFDIR (/etc/initramfs-tools) or
# /usr/share/initramfs-tools.  Ours sit in a scratch CONFDIR.
image="$scratch/image"
CONFDIR="$scratch/confdir"
mkdir -p "$image/scripts/init-top" "$CONFDIR/scripts/init-top"
for name in udev blacklist keymap all_generic_ide; do
	src=/usr/share/initramfs-tools/scripts/init-top/$name
	if [ ! -f "$src" ]; then
		src="$CONFDIR/scripts/init-top/$name"
		# shellcheck disable=SC2016 # the script text, not expanded here
		printf '#!/bin/sh\nPREREQ=""\ncase "$1" in prereqs) echo "$PREREQ"; exit 0 ;; esac\n' >"$src"
		chmod 0755 "$src"
		echo "note: stand-in for init-top/$name"
	fi
	cp -p "$src" "$image/scripts/init-top/$name"
done
cp -p "$installed/init-top/gpupt" "$image/scripts/init-top/gpupt"
cp -p "$installed/init-top/gpupt" "$CONFDIR/scripts/init-top/gpupt"
# control: the same script, but with a PREREQ on a script that runs early
sed 's/^PREREQ=""$/PREREQ="blacklist"/' "$installed/init-top/gpupt" >"$CONFDIR/scripts/init-top/control"
chmod 0755 "$CONFDIR/scripts/init-top/control"
cp -p "$CONFDIR/scripts/init-top/control" "$image/scripts/init-top/control"
assert_contains "control has a PREREQ" "$CONFDIR/scripts/init-top/control" 'PREREQ="blacklist"'

(
	# shellcheck source=/dev/null
	. "$real_functions"
	export CONFDIR
	cache_run_scripts "$image" /scripts/init-top
)
order="$image/scripts/init-top/ORDER"
[ -f "$order" ] || fail "no ORDER written"

# position NAME: line number of NAME's entry in ORDER
position()
{
	grep -n -F "/scripts/init-top/$1 " "$order" | cut -d: -f1
}

gpupt=$(position gpupt)
udev=$(position udev)
control=$(position control)
echo "ORDER:"
grep -o '/scripts/init-top/[^ ]*' "$order" | sed 's/^/  /'
checks=$((checks + 2))
if [ -z "$gpupt" ] || [ -z "$udev" ] || [ "$gpupt" -ge "$udev" ]; then
	fail "gpupt (line ${gpupt:-none}) does not run before udev (line ${udev:-none})"
fi
if [ -z "$control" ] || [ "$control" -le "$udev" ]; then
	fail "the control with a PREREQ (line ${control:-none}) does not run after udev (line ${udev:-none})"
fi

finish
