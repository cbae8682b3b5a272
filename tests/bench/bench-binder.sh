#!/bin/sh
# Benchmark of gpupt-bind on a fixture of 512 PCI devices, two of them
# selected by gpupt.ids:
#   - median wall time of one binder run (batches of runs, writes going to
#     the fixture's files), and of the wikis' shell loop doing the same
#     selection ($(cat vendor), $(cat device), echo > driver_override);
#   - syscalls (strace -c -f) per scanned device, and per device that is
#     not selected;
#   - the binary's size.
# Figures are reported, never asserted.
#   usage: bench-binder.sh GPUPT_BIND WORKDIR
set -eu
[ $# -eq 2 ] || { echo "usage: bench-binder.sh GPUPT_BIND WORKDIR" >&2; exit 2; }
bind=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=$2
here=$(dirname "$0")
n_devs=512
batches=11
per_batch=20
root="$work/root"
empty="$work/empty"

rm -rf "$work"
mkdir -p "$work"
sh "$here/../fixtures/pciroot.sh" many "$n_devs" "$root"
sh "$here/../fixtures/pciroot.sh" many 0 "$empty"
# A fixture cannot bind on drivers_probe.  The two selected devices' driver
# links already point at vfio-pci, as the kernel's would after the probe,
# while their uevent still says "no driver": every run does the whole
# write sequence and its read-back succeeds at once.
for d in "$root"/sys/bus/pci/devices/0000:10:00.0 "$root"/sys/bus/pci/devices/0000:10:00.1; do
	ln -s ../../../bus/pci/drivers/vfio-pci "$d/driver"
done

now_ns() { date +%s%N; }

# median of the numbers on stdin
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# time_batches COUNT CMD...: the median over $batches batches of COUNT runs, in ns per run.
time_batches() {
	count=$1
	shift
	b=0
	while [ "$b" -lt "$batches" ]; do
		t0=$(now_ns)
		i=0
		while [ "$i" -lt "$count" ]; do
			"$@" >/dev/null 2>&1 || true
			i=$((i + 1))
		done
		t1=$(now_ns)
		echo $(((t1 - t0) / count))
		b=$((b + 1))
	done | median
}

# The approach the wikis give, run by sh on the same fixture.
cat >"$work/shell-loop.sh" <<'EOS'
for dev in "$1"/sys/bus/pci/devices/*; do
	vendor=$(cat "$dev/vendor")
	device=$(cat "$dev/device")
	case "$vendor:$device" in
	0x10de:0x1381 | 0x10de:0x0fbc) echo vfio-pci >"$dev/driver_override" ;;
	esac
done
EOS

"$bind" --root "$root" --modprobe /bin/false >/dev/null 2>&1 || {
	echo "bench-binder: the binder did not bind the two devices:" >&2
	cat "$root/dev/kmsg" >&2
	exit 1
}

bind_ns=$(time_batches "$per_batch" "$bind" --root "$root" --modprobe /bin/false)
shell_ns=$(batches=3 time_batches 1 sh "$work/shell-loop.sh" "$root")

# strace -c's "total" line: % time, seconds, usecs/call, calls, errors, "total".
calls() {
	strace -c -f -o "$work/strace.out" "$@" >/dev/null 2>&1 || true
	awk '$NF == "total" { print $4 }' "$work/strace.out"
}
calls_run=$(calls "$bind" --root "$root" --modprobe /bin/false)
calls_none=$(calls "$bind" --root "$root" --modprobe /bin/false --cmdline gpupt.ids=ffff:ffff)
calls_empty=$(calls "$bind" --root "$empty" --modprobe /bin/false --cmdline gpupt.ids=ffff:ffff)
calls_addr=$(calls "$bind" --root "$root" --modprobe /bin/false --cmdline gpupt.addrs=0000:ff:00.0)
calls_addr_empty=$(calls "$bind" --root "$empty" --modprobe /bin/false --cmdline gpupt.addrs=0000:ff:00.0)
load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo unknown)
# The size that ships: the build keeps symbols for the packager's dh_strip.
strip -o "$work/gpupt-bind.stripped" "$bind"
size=$(wc -c <"$work/gpupt-bind.stripped")

awk -v b="$bind_ns" -v s="$shell_ns" -v cr="$calls_run" -v cn="$calls_none" -v ce="$calls_empty" \
	-v ca="$calls_addr" -v cae="$calls_addr_empty" -v load="$load" \
	-v n="$n_devs" -v size="$size" -v runs="$((batches * per_batch))" 'BEGIN {
	printf "gpupt-bind on %d PCI devices, 2 selected by gpupt.ids (load average %s):\n", n, load
	printf "  binder, median of %d runs:     %8.3f ms\n", runs, b / 1e6
	printf "  shell loop ($(cat) per file):  %8.3f ms\n", s / 1e6
	printf "  speed-up over the shell loop: %8.0fx (target >= 300x)\n", s / b
	printf "  syscalls, whole run:          %8d (%.2f per scanned device)\n", cr, cr / n
	printf "  syscalls per device not selected: %.2f (target <= 3)\n", (cn - ce) / n
	printf "  ... when selecting by gpupt.addrs only: %.2f\n", (ca - cae) / n
	printf "  binary size, stripped:        %8d bytes (%.1f KiB, target <= 24 KiB)\n", size, size / 1024
}'
