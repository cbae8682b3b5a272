#!/bin/sh
# gpupt-bind on fixture roots (tests/fixtures/pciroot.sh): each case builds
# a root, runs the binder on it, and checks exactly what it wrote to which
# file, what it logged to the root's dev/kmsg, and its exit status.
#   usage: test-binder.sh path/to/gpupt-bind
set -u
[ $# -eq 1 ] || { echo "usage: test-binder.sh GPUPT_BIND" >&2; exit 2; }
BIND=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
[ -x "$BIND" ] || { echo "test-binder.sh: $BIND is not built" >&2; exit 1; }
PCIROOT_LIB=1
export PCIROOT_LIB
# shellcheck disable=SC1091 # the fixture builder, checked on its own
. "$(dirname "$0")/../fixtures/pciroot.sh"
set +e

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fails=0
checks=0
case_name=
T=
rc=

GPU=0000:01:00.0
AUDIO=0000:01:00.1
DEVS=sys/bus/pci/devices

fail() {
	echo "FAIL [$case_name] $*"
	fails=$((fails + 1))
}

# begin NAME: a fresh root in $R and a modprobe that records its argv.
begin() {
	case_name=$1
	T="$TMP/$1"
	mkdir -p "$T"
	fx_init "$T/root"
	{
		echo '#!/bin/sh'
		echo "echo \"\$*\" >>'$T/modprobe.args'"
	} >"$T/modprobe"
	chmod +x "$T/modprobe"
}

# A modprobe that also does what the kernel does when vfio-pci registers:
# it attaches to every unbound device whose driver_override names it.
# Shell builtins where possible.  The binder waits 1 s for modprobe at boot;
# run() gives it 30 s (--modprobe-wait), so that a loaded test machine cannot
# make a slow fake look like a hang.
kernel_like_modprobe() {
	cat >>"$T/modprobe" <<EOS
R='$R'
mkdir -p "\$R/sys/bus/pci/drivers/vfio-pci"
for d in "\$R"/$DEVS/*; do
	read -r override <"\$d/driver_override"
	[ "\$override" = vfio-pci ] || continue
	if [ -e "\$d/driver" ]; then
		unbound=
		read -r unbound <"\$d/driver/unbind"
		[ "\$unbound" = "\${d##*/}" ] || continue
		rm "\$d/driver"
	fi
	ln -s ../../../bus/pci/drivers/vfio-pci "\$d/driver"
done
EOS
}

# seed_host: the GTX 750 Ti with its audio function, nouveau and snd_hda_intel.
seed_host() {
	fx_dev 0000:00:01.0 8086 1901 060400 1043 8694 pcieport 2
	fx_dev $GPU 10de 1381 030000 1043 8416 nouveau 14 0
	fx_dev $AUDIO 10de 0fbc 040300 1043 8416 snd_hda_intel 14
	fx_dev 0000:02:00.0 144d a808 010802 144d a801 nvme 15
}

# A binder that hangs fails its case (exit status 124) instead of the run.
run() {
	timeout 60 "$BIND" --root "$R" --modprobe "$T/modprobe" --modprobe-wait "${WAIT_MS:-30000}" "$@" >"$T/out" 2>"$T/err"
	rc=$?
}

check_rc() {
	checks=$((checks + 1))
	[ "$rc" -eq "$1" ] || fail "exit status $rc, expected $1 (log: $(cat "$R/dev/kmsg" "$T/out" "$T/err"))"
}

# check_file PATH CONTENT: PATH (below the root) holds exactly CONTENT.
check_file() {
	checks=$((checks + 1))
	printf '%s' "$2" | cmp -s - "$R/$1" ||
		fail "$1 holds '$(cat "$R/$1" 2>&1)', expected '$2'"
}

check_untouched() {
	check_file "$DEVS/$1/driver_override" "(null)
"
}

# check_log TEXT: a line of dev/kmsg contains TEXT.
check_log() {
	checks=$((checks + 1))
	grep -qF -- "$1" "$R/dev/kmsg" || fail "no log line with '$1'; log:
$(cat "$R/dev/kmsg")"
}

check_no_log() {
	checks=$((checks + 1))
	! grep -qF -- "$1" "$R/dev/kmsg" || fail "unexpected log line with '$1'"
}

check_modprobe() {
	checks=$((checks + 1))
	if [ "$1" = none ]; then
		[ ! -e "$T/modprobe.args" ] || fail "modprobe ran: $(cat "$T/modprobe.args")"
	else
		[ "$(cat "$T/modprobe.args" 2>/dev/null)" = "$1" ] ||
			fail "modprobe argv '$(cat "$T/modprobe.args" 2>/dev/null)', expected '$1'"
	fi
}

# The whole tree: names, link targets and file contents.
snapshot() {
	(cd "$R" && find . | LC_ALL=C sort &&
		find . -type l -exec ls -l {} + | sed 's/.* \(\..*\)/\1/' | LC_ALL=C sort &&
		find . -type f -exec cksum {} + | LC_ALL=C sort)
}

# ---- the seed host, selected by ID; vfio-pci not loaded ----
begin seed
seed_host
fx_cmdline "root=/dev/mapper/pve-root ro quiet gpupt.ids=10de:1381,10de:0fbc"
run --verbose
check_rc 1	# a fixture does not bind: the read-back says not bound
check_file $DEVS/$GPU/driver_override vfio-pci
check_file $DEVS/$AUDIO/driver_override vfio-pci
check_file sys/bus/pci/drivers/nouveau/unbind $GPU
check_file sys/bus/pci/drivers/snd_hda_intel/unbind $AUDIO
check_file sys/bus/pci/drivers_probe $AUDIO	# the last of the two probes
check_log "<7>gpupt: $GPU 10de:1381: did ask the kernel to probe it (drivers_probe)"
check_log "<7>gpupt: $AUDIO 10de:0fbc: did ask the kernel to probe it (drivers_probe)"
check_modprobe "-q vfio-pci"
check_log "<6>gpupt: driver vfio-pci; gpupt.ids: 10de:1381,10de:0fbc"
check_log "<6>gpupt: $GPU 10de:1381 (VGA class 030000, on nouveau): selected by gpupt.ids"
check_log "<6>gpupt: $AUDIO 10de:0fbc (audio class 040300, on snd_hda_intel): selected by gpupt.ids"
check_log "<3>gpupt: $GPU 10de:1381: not bound to vfio-pci (driver now: nouveau)"
check_untouched 0000:02:00.0
check_file sys/bus/pci/drivers/nvme/unbind ""
check_no_log "shares IOMMU group"
check_log "IOMMU group 14 holds only selected devices"

# ---- the same, with a modprobe that binds like the kernel: exit 0 ----
begin seed-bound
seed_host
fx_cmdline "gpupt.ids=10de:1381,10de:0fbc"
kernel_like_modprobe
run
check_rc 0
check_log "<6>gpupt: $GPU 10de:1381: bound to vfio-pci (was on nouveau)"
check_log "<6>gpupt: $AUDIO 10de:0fbc: bound to vfio-pci (was on snd_hda_intel)"
check_log "<6>gpupt: 2 of 2 selected device(s) on vfio-pci, 0 problem(s)"
check_no_log "<7>"	# no debug lines without gpupt.debug/--verbose

# ---- already on vfio-pci (the second pass on a good boot): nothing written ----
begin already
fx_dev $GPU 10de 1381 030000 1043 8416 vfio-pci 14 0
fx_cmdline "gpupt.ids=10de:1381"
GPUPT_PASS=late run
check_rc 0
check_untouched $GPU
check_file sys/bus/pci/drivers_probe ""
check_modprobe none
check_no_log "already on vfio-pci"	# a debug line in the second pass
GPUPT_PASS=late run --verbose
check_rc 0
check_log "<7>gpupt: $GPU 10de:1381: already on vfio-pci; left alone"
run
check_log "<6>gpupt: $GPU 10de:1381: already on vfio-pci; left alone"

# ---- a modprobe still running after --modprobe-wait: the binder goes on ----
begin modprobe-slow
seed_host
fx_cmdline "gpupt.ids=10de:1381"
echo 'sleep 3' >>"$T/modprobe"
WAIT_MS=200 run
check_rc 1
check_log "<3>gpupt: $T/modprobe -q vfio-pci still runs after 200 ms; going on (the driver binds the devices when it loads)"
check_file $DEVS/$GPU/driver_override vfio-pci

# ---- a trial boot's watchdog (gpupt.watchdog=MODULE:SECONDS) ----
# Loaded first, before anything that could hang; the fixture's dev/watchdog
# is a file, which takes no ioctl: the binder says so and binds as always.
begin watchdog
seed_host
fx_driver vfio-pci
fx_cmdline "gpupt.ids=10de:1381 gpupt.watchdog=i6300esb:600 gpupt.trial=5"
: >"$R/dev/watchdog"
run
check_modprobe "-q i6300esb"
check_log "<3>gpupt: watchdog: /dev/watchdog takes no timeout: "
check_log "this trial boot has no watchdog"
check_file $DEVS/$GPU/driver_override vfio-pci
# Its module loaded already: no modprobe; no device: said, and the binding goes on.
begin watchdog-loaded
seed_host
fx_driver vfio-pci
mkdir -p "$R/sys/module/iTCO_wdt"
fx_cmdline "gpupt.ids=10de:1381 gpupt.watchdog=iTCO_wdt:300"
run
check_modprobe none
check_log "<3>gpupt: watchdog: cannot open /dev/watchdog: "
check_file $DEVS/$GPU/driver_override vfio-pci
# The second pass (after udev) arms nothing; gpupt.off arms nothing; a dry run says what it would do.
begin watchdog-late
seed_host
fx_driver vfio-pci
fx_cmdline "gpupt.ids=10de:1381 gpupt.watchdog=i6300esb:600"
GPUPT_PASS=late run
check_modprobe none
check_no_log "watchdog"
fx_cmdline "gpupt.off gpupt.watchdog=i6300esb:600"
run
check_modprobe none
check_no_log "watchdog"
fx_cmdline "gpupt.ids=10de:1381 gpupt.watchdog=i6300esb:600"
run --dry-run
check_modprobe none
checks=$((checks + 1))
grep -qF "would arm the watchdog: i6300esb, /dev/watchdog for 600 s" "$T/out" ||
	fail "the dry run did not say what it would arm: $(cat "$T/out")"
fx_cmdline "gpupt.ids=10de:1381 gpupt.watchdog=i6300esb:5"
run
check_modprobe none
check_log "is not MODULE:SECONDS (a module name, 30 to 3600 seconds); no watchdog armed"

# ---- driver loaded: no modprobe; vfio_pci spelled with '_' ----
begin loaded
seed_host
fx_driver vfio-pci
fx_cmdline "gpupt.ids=10de:1381 gpupt.driver=vfio_pci"
run
check_rc 1
check_modprobe none
check_file $DEVS/$GPU/driver_override vfio-pci
check_file sys/bus/pci/drivers_probe $GPU
check_untouched $AUDIO

# ---- two identical GPUs, one selected by address ----
begin twins
fx_dev $GPU 10de 1381 030000 1043 8416 nouveau 14 0
fx_dev $AUDIO 10de 0fbc 040300 1043 8416 snd_hda_intel 14
fx_dev 0000:02:00.0 10de 1381 030000 1043 8416 nouveau 15 0
fx_dev 0000:02:00.1 10de 0fbc 040300 1043 8416 snd_hda_intel 15
fx_cmdline "gpupt.addrs=0000:02:00.0"
run
check_rc 1
check_file $DEVS/0000:02:00.0/driver_override vfio-pci
check_file sys/bus/pci/drivers/nouveau/unbind 0000:02:00.0
check_untouched $GPU
check_untouched $AUDIO
check_untouched 0000:02:00.1
check_log "<4>gpupt: 0000:02:00.0 shares IOMMU group 15 with 0000:02:00.1 10de:0fbc (snd_hda_intel)"

# ---- a slot: every function ----
begin slot
seed_host
fx_cmdline "gpupt.addrs=01:00"
run
check_rc 1
check_file $DEVS/$GPU/driver_override vfio-pci
check_file $DEVS/$AUDIO/driver_override vfio-pci
check_untouched 0000:02:00.0
check_log "selected by gpupt.addrs"

# ---- fingerprint mismatch: the card in 01:00.0 is not the one asked for ----
begin fingerprint
fx_dev $GPU 10de 1b80 030000 1043 85aa nouveau 14 0
fx_cmdline "gpupt.addrs=01:00.0=10de:1381"
run
check_rc 1
check_untouched $GPU
check_file sys/bus/pci/drivers/nouveau/unbind ""
check_log "<3>gpupt: $GPU is 10de:1b80, gpupt.addrs wants 10de:1381 (card moved?); not bound"

# ---- one address listed twice: both entries found, none reported missing ----
begin dup-addr
seed_host
fx_cmdline "gpupt.addrs=$GPU,$GPU=10de:1381"
kernel_like_modprobe
run
check_rc 0
check_no_log "no PCI device"
check_log "<6>gpupt: $GPU 10de:1381: bound to vfio-pci (was on nouveau)"
check_untouched $AUDIO

begin dup-slot
seed_host
fx_cmdline "gpupt.addrs=01:00,$AUDIO"
kernel_like_modprobe
run
check_rc 0
check_no_log "no PCI device"
check_file $DEVS/$GPU/driver_override vfio-pci
check_file $DEVS/$AUDIO/driver_override vfio-pci

# ---- a fingerprint that does not match wins over any other entry ----
# The same address without a fingerprint, or gpupt.ids naming the device:
# the card there is not the one meant, so it is not bound.
for over in addrs ids; do
	begin "fingerprint-wins-over-$over"
	seed_host
	case $over in
	addrs) fx_cmdline "gpupt.addrs=$GPU,$GPU=10de:1b80" ;;
	ids) fx_cmdline "gpupt.addrs=$GPU=10de:1b80 gpupt.ids=10de:1381" ;;
	esac
	run
	check_rc 1
	check_untouched $GPU
	check_file sys/bus/pci/drivers/nouveau/unbind ""
	check_log "<3>gpupt: $GPU is 10de:1381, gpupt.addrs wants 10de:1b80 (card moved?); not bound"
	check_no_log "no PCI device"
done

# ---- an address with no device ----
begin noaddr
seed_host
fx_cmdline "gpupt.addrs=0000:05:00.0"
run
check_rc 1
check_log "<3>gpupt: gpupt.addrs: no PCI device at 0000:05:00.0"

# ---- a GPU sharing its IOMMU group with an NVMe ----
begin nvme-group
fx_dev 0000:00:01.0 8086 1901 060400 1043 8694 pcieport 1
fx_dev $GPU 10de 1381 030000 1043 8416 nouveau 1 0
fx_dev 0000:02:00.0 144d a808 010802 144d a801 nvme 1
fx_cmdline "gpupt.ids=10de:1381"
run
check_rc 1
check_log "<4>gpupt: $GPU shares IOMMU group 1 with 0000:02:00.0 144d:a808 (nvme), which is not selected"
check_no_log "with 0000:00:01.0"	# the bridge is fine
check_untouched 0000:02:00.0
check_file sys/bus/pci/drivers/nvme/unbind ""

# ---- an ISA bridge on its driver is an endpoint for VFIO: warned ----
begin isa-group
fx_dev 0000:00:1f.0 8086 a305 060100 1043 8694 lpc_ich 7
fx_dev 0000:00:1f.3 8086 a348 040300 1043 8694 snd_hda_intel 7
fx_cmdline "gpupt.addrs=00:1f.3"
run
check_log "<4>gpupt: 0000:00:1f.3 shares IOMMU group 7 with 0000:00:1f.0 8086:a305 (lpc_ich)"

# ---- headless: the only GPU is the boot VGA, efifb holds it ----
headless() {
	begin "headless-$1"
	fx_dev 0000:00:01.0 1022 1453 060400 1022 1453 pcieport 2
	fx_dev $GPU 10de 1381 030000 1043 8416 - 14 1
	fx_platform_fb efi-framebuffer.0 efi-framebuffer
	fx_vtcon 0 "(S) dummy device" 1
	fx_vtcon 1 "(M) frame buffer device" 1
	fx_kernel "$2"
	fx_cmdline "gpupt.ids=10de:1381 $3"
	run
	check_rc 1
	check_file $DEVS/$GPU/driver_override "$4"
	check_file sys/bus/pci/drivers_probe $GPU
}
released() {
	check_file sys/bus/platform/drivers/efi-framebuffer/unbind efi-framebuffer.0
	check_file sys/class/vtconsole/vtcon1/bind "0"
	check_file sys/class/vtconsole/vtcon0/bind "1
"
	check_log "<6>gpupt: released the boot framebuffer: unbind efi-framebuffer.0 from efi-framebuffer"
	check_log "<6>gpupt: unbound vtcon1 ((M) frame buffer device) from the console"
}
kept() {
	check_file sys/bus/platform/drivers/efi-framebuffer/unbind ""
	check_file sys/class/vtconsole/vtcon1/bind "1
"
	check_no_log "released the boot framebuffer"
}
headless old-kernel 5.15.143-1-pve "" vfio-pci
released
check_log "$GPU is the boot VGA; kernel 5.15.143-1-pve with vfio-pci: releasing the boot framebuffer first"
headless new-kernel 6.1.0-18-amd64 "" vfio-pci
kept
check_log "$GPU is the boot VGA; kernel 6.1.0-18-amd64: vfio-pci releases the boot framebuffer itself"
headless pci-stub 6.1.0-18-amd64 gpupt.driver=pci-stub pci-stub
released
check_modprobe "-q pci-stub"
headless keep 5.15.143-1-pve gpupt.fb=keep vfio-pci
kept
check_log "gpupt.fb=keep: the boot framebuffer is kept"

# The second pass, the boot VGA already on vfio-pci: nothing to release again.
begin headless-second-pass
fx_dev $GPU 10de 1381 030000 1043 8416 vfio-pci 14 1
fx_platform_fb efi-framebuffer.0 efi-framebuffer
fx_vtcon 1 "(M) frame buffer device" 1
fx_kernel 5.15.143-1-pve
fx_cmdline "gpupt.ids=10de:1381"
GPUPT_PASS=late run
check_rc 0
kept
check_no_log "boot VGA"

# ---- a bridge selected by mistake ----
begin bridge
seed_host
fx_cmdline "gpupt.addrs=0000:00:01.0"
run
check_rc 1
check_untouched 0000:00:01.0
check_file sys/bus/pci/drivers/pcieport/unbind ""
check_file sys/bus/pci/drivers_probe ""
check_log "<3>gpupt: 0000:00:01.0 8086:1901: is a PCI bridge, which cannot be passed through; refused"

# ---- /etc/gpupt.conf alone ----
begin conf-only
seed_host
fx_cmdline "root=/dev/sda1 ro quiet"
fx_conf "# passthrough for the Windows VM
ids = 10de:1381, 10de:0fbc"
kernel_like_modprobe
run
check_rc 0
check_file $DEVS/$GPU/driver_override vfio-pci
check_file $DEVS/$AUDIO/driver_override vfio-pci
check_log "selected by ids in /etc/gpupt.conf"

# ---- gpupt.off: nothing at all ----
begin off
seed_host
fx_cmdline "gpupt.ids=10de:1381 gpupt.off"
fx_conf "ids = 10de:0fbc"
run
check_rc 0
check_untouched $GPU
check_untouched $AUDIO
check_file sys/bus/pci/drivers_probe ""
check_modprobe none
check_log "<6>gpupt: gpupt.off: binding nothing"

# ---- what is not a regular file: refused at once, never waited on ----
# /etc/gpupt.conf as a FIFO (with no writer, then with one that never
# writes) or a directory: unreadable, logged, ignored.
not_regular() {	# not_regular fifo|fifo-held|dir PATH: PATH below the root becomes that
	rm -f "$R/$2"
	case $1 in
	fifo*) mkfifo "$R/$2" ;;
	dir) mkdir "$R/$2" ;;
	esac
}
for kind in fifo fifo-held dir; do
	begin "conf-$kind"
	seed_host
	fx_cmdline "quiet"
	not_regular $kind etc/gpupt.conf
	if [ $kind = fifo-held ]; then
		exec 3<>"$R/etc/gpupt.conf"
		run
		exec 3>&-
	else
		run
	fi
	check_rc 0
	check_log "<3>gpupt: cannot read /etc/gpupt.conf: not a regular file (a FIFO or a directory); ignored"
	check_untouched $GPU
	check_modprobe none
done

# The command line as a FIFO or a directory: gpupt.off cannot be seen, so
# nothing is bound, though the conf selects the GPU.
for kind in fifo dir; do
	begin "cmdline-$kind"
	seed_host
	fx_conf "ids = 10de:1381"
	not_regular $kind proc/cmdline
	run
	check_rc 0
	check_log "<3>gpupt: cannot read /proc/cmdline: not a regular file (a FIFO or a directory); counts as gpupt.off: nothing is bound"
	check_log "<6>gpupt: gpupt.off: binding nothing"
	check_untouched $GPU
done

# A device's uevent as a FIFO or a directory: that device is skipped, the
# rest still bound.
for kind in fifo dir; do
	begin "uevent-$kind"
	seed_host
	fx_cmdline "gpupt.ids=10de:1381,10de:0fbc"
	kernel_like_modprobe
	not_regular $kind "$DEVS/$GPU/uevent"
	run
	check_rc 0
	check_log "<4>gpupt: $GPU: cannot read its uevent ("
	check_untouched $GPU
	check_file $DEVS/$AUDIO/driver_override vfio-pci
done
check_log "<4>gpupt: $GPU: cannot read its uevent (is a directory); skipped"

# driver_override as a FIFO: the write fails at once (no reader), not bound.
begin override-fifo
seed_host
fx_cmdline "gpupt.addrs=$GPU"
not_regular fifo "$DEVS/$GPU/driver_override"
run
check_rc 1
check_log "<3>gpupt: $GPU 10de:1381: cannot write vfio-pci to driver_override: no such device or address; not bound"
check_file sys/bus/pci/drivers/nouveau/unbind ""

# ---- a command line longer than the binder reads counts as gpupt.off ----
# 4095 bytes with the newline fit (the conf applies); 4096 do not.
long_cmdline() {	# long_cmdline N: a command line of N bytes, newline included
	head -c $(($1 - 1)) /dev/zero | tr '\0' x >"$R/proc/cmdline"
	echo >>"$R/proc/cmdline"
}
begin cmdline-fits
seed_host
fx_conf "ids = 10de:1381"
long_cmdline 4095
run --dry-run
check_rc 0
checks=$((checks + 1))
grep -qF "selected by ids in /etc/gpupt.conf" "$T/out" || fail "conf not applied: $(cat "$T/out")"

begin cmdline-too-long
seed_host
fx_conf "ids = 10de:1381"
long_cmdline 4096
run
check_rc 0
check_log "<3>gpupt: cannot read /proc/cmdline: larger than 4095 bytes; counts as gpupt.off: nothing is bound"
check_log "<6>gpupt: gpupt.off: binding nothing"
check_untouched $GPU
check_modprobe none

# --cmdline longer than that is a usage error, not cut short.
begin cmdline-arg-too-long
seed_host
fx_conf "ids = 10de:1381"
run --cmdline "$(head -c 4096 /dev/zero | tr '\0' x)"
check_rc 2
checks=$((checks + 1))
grep -qF "gpupt-bind: --cmdline: longer than 4095 bytes" "$T/err" || fail "stderr: $(cat "$T/err")"
check_untouched $GPU
run --dry-run --cmdline "$(head -c 4095 /dev/zero | tr '\0' x)"
check_rc 0

# ---- an unclosed quote in a gpupt token counts as gpupt.off ----
# It runs to the end of the line, as in the kernel: the gpupt.off typed
# after it is inside the value, and the conf must not apply instead.
begin unclosed-quote
seed_host
fx_conf "ids = 10de:1381"
fx_cmdline 'quiet gpupt.ids="10de:0fbc gpupt.off'
run
check_rc 0
check_log '<3>gpupt: gpupt.ids: "10de:0fbc gpupt.off" opens a double quote that is never closed (the rest of the line is in it); treated as off: nothing is bound'
check_log "<6>gpupt: gpupt.off: binding nothing"
check_untouched $GPU
check_untouched $AUDIO

# ---- malformed tokens: logged, the good entries still used ----
begin malformed
seed_host
fx_cmdline 'gpupt.ids=10de:13,10de:0fbc gpupt.addrs=zz:00.0 gpupt.driver=Bad/Name gpupt.frobnicate=1'
kernel_like_modprobe
run
check_rc 0
check_log '<3>gpupt: gpupt.ids: "10de:13" is not'
check_log '<3>gpupt: gpupt.addrs: "zz:00.0"'
check_log '<3>gpupt: gpupt.driver: "Bad/Name"'
check_log 'gpupt.frobnicate'
check_untouched $GPU
check_file $DEVS/$AUDIO/driver_override vfio-pci

begin malformed-only
seed_host
fx_cmdline 'gpupt.ids=10de:13'
run
check_rc 0
check_log '<3>gpupt: gpupt.ids: "10de:13" is not'
check_untouched $GPU
check_file sys/bus/pci/drivers_probe ""

# ---- --dry-run writes nothing at all ----
begin dry-run
seed_host
fx_platform_fb efi-framebuffer.0 efi-framebuffer
fx_cmdline "gpupt.ids=10de:1381,10de:0fbc"
snapshot >"$T/before"
run --dry-run
check_rc 0
snapshot >"$T/after"
checks=$((checks + 1))
cmp -s "$T/before" "$T/after" || fail "the tree changed: $(diff "$T/before" "$T/after")"
check_modprobe none
checks=$((checks + 1))
grep -qF "$GPU 10de:1381: would unbind it from nouveau" "$T/out" || fail "no plan on stdout: $(cat "$T/out")"

# ---- no dev/kmsg: the log goes to stderr ----
begin no-kmsg
seed_host
rm "$R/dev/kmsg"
fx_cmdline "gpupt.ids=10de:1381 gpupt.addrs=0000:09:00.0"
run
check_rc 1
checks=$((checks + 1))
grep -qF "gpupt: error: gpupt.addrs: no PCI device at 0000:09:00.0" "$T/err" || fail "stderr: $(cat "$T/err")"

# ---- nothing selected ----
begin nothing
seed_host
run
check_rc 0
check_untouched $GPU
checks=$((checks + 1))
[ ! -s "$R/dev/kmsg" ] || fail "logged without a selection: $(cat "$R/dev/kmsg")"

# ---- links that leave the root ----
# The GPU's entry is an absolute link to a decoy outside the root (on a
# real host such a link would lead into the live /sys): with --root it
# resolves below the root, where there is nothing, so the decoy is never
# written and the device counts as not found.
begin escape
seed_host
decoy="$T/decoy/$GPU"
mkdir -p "$decoy"
cp -R "$R/sys/devices/pci0000:00/$GPU/." "$decoy/"
rm "$R/$DEVS/$GPU"
ln -s "$decoy" "$R/$DEVS/$GPU"
fx_cmdline "gpupt.addrs=$GPU"
run
check_rc 1
checks=$((checks + 1))
[ "$(cat "$decoy/driver_override")" = "(null)" ] || fail "wrote outside the root: $(cat "$decoy/driver_override")"
checks=$((checks + 1))
[ ! -e "$decoy/driver/unbind" ] || [ ! -s "$decoy/driver/unbind" ] || fail "unbound outside the root"

# ---- usage ----
begin usage
"$BIND" --bogus >"$T/out" 2>"$T/err"
rc=$?
check_rc 2
"$BIND" --help >"$T/out" 2>"$T/err"
rc=$?
check_rc 0
checks=$((checks + 1))
grep -q "^usage: gpupt-bind" "$T/out" || fail "--help: $(cat "$T/out")"
"$BIND" --root "$TMP" --modprobe-wait 5s >"$T/out" 2>"$T/err"
rc=$?
check_rc 2
checks=$((checks + 1))
grep -q -- "--modprobe-wait: not a number of milliseconds up to 600000: 5s" "$T/err" || fail "--modprobe-wait 5s: $(cat "$T/err")"
"$BIND" --version >"$T/out" 2>"$T/err"
rc=$?
check_rc 0
checks=$((checks + 1))
[ "$(cat "$T/out")" = "gpupt-bind $(cat "$(dirname "$0")/../../VERSION")" ] || fail "--version: $(cat "$T/out")"

echo "test-binder: $checks checks, $fails failed"
[ "$fails" -eq 0 ]
