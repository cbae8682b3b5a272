# Sourced by the runners that boot QEMU guests (tests/e2e/run,
# tests/journey/run): a boot is watched on its serial console.  A guest under
# TCG can stop making progress (no output for minutes, the vCPUs spinning)
# and the same boot started again passes, so a console that stays silent for
# too long kills that QEMU, and the boot is started once more.
#
#   boot_watch SILENCE TIMEOUT LOGS COMMAND...
#       Runs COMMAND in the background.  LOGS (space-separated files) are
#       its console: their growth is its output.  Returns 0 when COMMAND
#       ended by itself (its exit status in $boot_rc), 2 when LOGS did not
#       grow for SILENCE seconds, 3 when it still ran after TIMEOUT seconds
#       (either way it is killed).  SILENCE 0 watches nothing.  Sets
#       $boot_secs (its run time), $boot_quiet_at (seconds from its start
#       to its last output) and $boot_max_quiet (its longest silence, for
#       sizing SILENCE).
#   boot_retry LABEL SILENCE TIMEOUT LOGS RESET COMMAND...
#       boot_watch, with RESET (a command: puts the disks back as they were
#       before the boot) run before each try; after a stall says so
#       ("LABEL stalled at +95 s (no serial output for 240 s); retrying") and
#       tries once more.  A second stall prints the console's last 30 lines
#       and returns 2.
# POSIX sh; the caller's `set -e` is respected.
# shellcheck disable=SC2034 # boot_rc, boot_secs, boot_max_quiet are for the caller

bootwatch_size() { # FILE...: their bytes together
	n=0
	for f in "$@"; do
		[ -f "$f" ] || continue
		n=$((n + $(wc -c <"$f")))
	done
	echo "$n"
}

bootwatch_kill() { # PID
	kill "$1" 2>/dev/null || true
	i=0
	while kill -0 "$1" 2>/dev/null && [ "$i" -lt 10 ]; do
		sleep 1
		i=$((i + 1))
	done
	kill -9 "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

boot_watch() {
	bw_silence=$1 bw_timeout=$2 bw_logs=$3
	shift 3
	bw_start=$(date +%s)
	"$@" &
	bw_pid=$!
	bw_last=0
	boot_quiet_at=0
	boot_max_quiet=0
	boot_rc=
	bw_seen=-1
	while kill -0 "$bw_pid" 2>/dev/null; do
		bw_now=$(($(date +%s) - bw_start))
		# shellcheck disable=SC2086 # one file per word
		bw_size=$(bootwatch_size $bw_logs)
		[ $((bw_now - bw_last)) -le "$boot_max_quiet" ] || boot_max_quiet=$((bw_now - bw_last))
		if [ "$bw_size" != "$bw_seen" ]; then
			bw_seen=$bw_size
			bw_last=$bw_now
			boot_quiet_at=$bw_now
		fi
		if [ "$bw_silence" -gt 0 ] && [ $((bw_now - bw_last)) -ge "$bw_silence" ]; then
			bootwatch_kill "$bw_pid"
			boot_secs=$bw_now
			return 2
		fi
		if [ "$bw_now" -ge "$bw_timeout" ]; then
			bootwatch_kill "$bw_pid"
			boot_secs=$bw_now
			return 3
		fi
		sleep 1
	done
	boot_rc=0
	wait "$bw_pid" || boot_rc=$?
	boot_secs=$(($(date +%s) - bw_start))
	return 0
}

boot_retry() {
	br_label=$1 br_silence=$2 br_timeout=$3 br_logs=$4 br_reset=$5
	shift 5
	br_try=1
	while :; do
		$br_reset
		br_rc=0
		boot_watch "$br_silence" "$br_timeout" "$br_logs" "$@" || br_rc=$?
		[ "$br_rc" = 2 ] || return "$br_rc"
		if [ "$br_try" = 2 ]; then
			echo "$br_label stalled again at +$boot_quiet_at s (no serial output for $br_silence s); its console's last lines:"
			# shellcheck disable=SC2086 # the first log is the console
			tail -n 30 ${br_logs%% *} | sed -e 's/^/    /'
			return 2
		fi
		echo "$br_label stalled at +$boot_quiet_at s (no serial output for $br_silence s); retrying"
		br_try=2
	done
}
