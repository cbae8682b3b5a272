#!/bin/sh
# The stall detector of the QEMU runners (tests/lib/bootwatch.sh), with fake
# QEMUs: one that ends, one whose console goes silent, one that stalls only
# the first time, one that stalls every time, one that never ends.  Without
# the detector the silent ones would run their full minute and this fails.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib/bootwatch.sh
. "$top/tests/lib/bootwatch.sh"
scratch=$(mktemp -d "${TMPDIR:-/tmp}/gpupt-bootwatch.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
failures=0
log=$scratch/console.log

check() { # WHAT EXPECTED GOT
	if [ "$2" = "$3" ]; then
		echo "PASS  $1"
	else
		failures=$((failures + 1))
		echo "FAIL  $1: expected '$2', got '$3'"
	fi
}

# A fake QEMU: LINES lines on its console a second apart, then SLEEP
# seconds of silence, then exit 7.  With a file STALL-ONCE given, it stays
# silent for a minute the first time only.
fake_qemu() { # LINES SLEEP [STALL-ONCE]
	i=1
	while [ "$i" -le "$1" ]; do
		echo "line $i" >>"$log"
		sleep 1
		i=$((i + 1))
	done
	if [ -n "${3:-}" ] && [ ! -e "$3" ]; then
		: >"$3"
		sleep 60
	fi
	sleep "$2"
	exit 7
}

resets=0
reset_console() {
	resets=$((resets + 1))
	: >"$log"
}

t0=$(date +%s)
rc=0
: >"$log"
boot_watch 3 30 "$log" fake_qemu 2 0 || rc=$?
check "a boot that ends: returns 0" 0 "$rc"
check "a boot that ends: its exit status" 7 "$boot_rc"

rc=0
: >"$log"
boot_watch 3 120 "$log" fake_qemu 2 60 || rc=$?
check "a console silent for 3 s: stalled (2)" 2 "$rc"
# Not waited out: the fake boot would run 60 s more (a busy machine may take a few seconds).
check "a console silent for 3 s: killed long before its end" yes "$([ "$boot_secs" -le 30 ] && echo yes || echo no)"
check "the stall is placed at the last output (+1 or +2 s)" yes \
	"$(case $boot_quiet_at in 1 | 2) echo yes ;; *) echo "no (+$boot_quiet_at)" ;; esac)"

rc=0
boot_retry "test: boot 1" 3 120 "$log" reset_console fake_qemu 2 0 "$scratch/stalled-once" >"$scratch/out" || rc=$?
check "a boot that stalls once: passes on the retry" 0 "$rc"
check "a boot that stalls once: its exit status" 7 "$boot_rc"
check "a boot that stalls once: disks reset before each try" 2 "$resets"
# Where the stall is placed depends on how busy the machine is: +1 or +2 s.
check "a boot that stalls once: says so" \
	"test: boot 1 stalled at +N s (no serial output for 3 s); retrying" \
	"$(sed 's/stalled at +[12] s/stalled at +N s/' "$scratch/out")"

rc=0
resets=0
boot_retry "test: boot 2" 3 120 "$log" reset_console fake_qemu 1 60 >"$scratch/out" || rc=$?
check "a boot that stalls twice: fails (2)" 2 "$rc"
check "a boot that stalls twice: tried twice" 2 "$resets"
check "a boot that stalls twice: shows the console's last lines" "    line 1" "$(tail -n 1 "$scratch/out")"

rc=0
fast_qemu() {
	while :; do
		echo tick >>"$log"
		sleep 1
	done
}
boot_watch 3 4 "$log" fast_qemu || rc=$?
check "a boot past its time limit: 3" 3 "$rc"

check "all of it in well under a minute" yes "$([ $(($(date +%s) - t0)) -lt 50 ] && echo yes || echo no)"
[ "$failures" = 0 ]
