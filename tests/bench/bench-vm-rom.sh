#!/bin/sh
# Benchmark of `gpupt rom --file` on the largest ROM a device may have
# (16 MiB, 16 images) and of `gpupt vm --dry-run` on a fixture root: median
# wall time of one run, reported, never asserted.
#   usage: vm-rom-bench.sh GPUPT WORKDIR
set -eu
[ $# -eq 2 ] || { echo "usage: vm-rom-bench.sh GPUPT WORKDIR" >&2; exit 2; }
gpupt=$1
work=$2
here=$(dirname "$0")/../fixtures/host
runs=21

now_ns() { date +%s%N; }

# median of the numbers on stdin
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# bench LABEL COMMAND...: median wall time of COMMAND over $runs runs.
bench() {
	label=$1
	shift
	i=0
	while [ $i -lt $runs ]; do
		t0=$(now_ns)
		"$@" >/dev/null 2>&1 || true
		t1=$(now_ns)
		echo $((t1 - t0))
		i=$((i + 1))
	done | median | awk -v l="$label" -v n=$runs '{ printf "%s: median %.2f ms over %d runs\n", l, $1 / 1e6, n }'
}

rm -rf "$work"
mkdir -p "$work/root/etc/pve/qemu-server" "$work/root/sys/bus/pci/devices/0000:01:00.0"
sh "$here/rom-images.sh" "$work" big
printf 'PCI_CLASS=30000\nPCI_ID=10DE:1381\nPCI_SUBSYS_ID=1043:8416\nPCI_SLOT_NAME=0000:01:00.0\n' \
	>"$work/root/sys/bus/pci/devices/0000:01:00.0/uevent"
cp "$here/vm-100.conf" "$work/root/etc/pve/qemu-server/100.conf"

bench "gpupt rom --file (16 MiB, 16 images)" "$gpupt" rom --file "$work/rom-16mib"
bench "gpupt vm 100 01:00 --dry-run (fixture root)" "$gpupt" --root "$work/root" vm 100 01:00 --dry-run
