#!/bin/sh
# Time `gpupt list` against `lspci -nnk` on this machine: RUNS batches of
# BATCH runs each, alternating, and print the median batch time per run of
# each and their ratio (gpupt / lspci; the target is <= 1.0).  Also
# `gpupt --verbose list`, which names every device (reads all of pci.ids,
# as lspci does): the cost on a host with GPUs is between the two.
# usage: bench-list.sh GPUPT [RUNS [BATCH]]
set -eu

gpupt=$1
runs=${2:-15}
batch=${3:-20}

now_ns() {
	date +%s%N
}

# batch_ns CMD...: nanoseconds for $batch runs of CMD, output discarded.
batch_ns() {
	t0=$(now_ns)
	i=0
	while [ "$i" -lt "$batch" ]; do
		"$@" >/dev/null 2>&1 || true
		i=$((i + 1))
	done
	t1=$(now_ns)
	echo $((t1 - t0))
}

median() {
	sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

command -v lspci >/dev/null || { echo "bench-list: lspci not found" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
while [ "$n" -lt "$runs" ]; do
	batch_ns "$gpupt" list >>"$tmp/gpupt"
	batch_ns lspci -nnk >>"$tmp/lspci"
	batch_ns "$gpupt" --verbose list >>"$tmp/verbose"
	n=$((n + 1))
done
l=$(median <"$tmp/lspci")
for what in gpupt verbose; do
	g=$(median <"$tmp/$what")
	label="gpupt list"
	[ "$what" = verbose ] && label="gpupt --verbose list"
	awk -v g="$g" -v l="$l" -v b="$batch" -v r="$runs" -v label="$label" 'BEGIN {
		printf "%s: %.3f ms/run, lspci -nnk: %.3f ms/run (median of %d batches of %d); ratio %.2f\n",
			label, g / b / 1e6, l / b / 1e6, r, b, g / l
	}'
done
