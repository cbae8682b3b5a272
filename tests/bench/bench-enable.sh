#!/bin/sh
# Benchmark of `gpupt enable --dry-run 01:00` on fixture roots (the seed GPU
# with GRUB, and a headless Proxmox host with systemd-boot): median wall time
# of one run, reported against the 50 ms target, never asserted.
#   usage: bench-enable.sh GPUPT WORKDIR
set -eu
[ $# -eq 2 ] || { echo "usage: bench-enable.sh GPUPT WORKDIR" >&2; exit 2; }
gpupt=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=$2
here=$(dirname "$0")/../fixtures/host
runs=31

now_ns() { date +%s%N; }

# median of the numbers on stdin
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

bench() {
	devcase=$1 boot=$2
	root="$work/$devcase-$boot/root"
	bin="$work/$devcase-$boot/bin"
	rm -rf "$work/$devcase-$boot"
	sh "$here/boot-root.sh" "$devcase" "$boot" "$root" "$bin" >/dev/null
	i=0
	while [ $i -lt $runs ]; do
		t0=$(now_ns)
		PATH="$bin:$PATH" "$gpupt" --root "$root" enable --dry-run --no-trial 01:00 >/dev/null 2>&1
		t1=$(now_ns)
		echo $((t1 - t0))
		i=$((i + 1))
	done | median | awk -v c="$devcase/$boot" -v n=$runs \
		'{ printf "gpupt enable --dry-run --no-trial 01:00 (%s): median %.2f ms over %d runs (target <= 50 ms)\n", c, $1 / 1e6, n }'
}

mkdir -p "$work"
bench seed debian
bench headless pve-sdboot
