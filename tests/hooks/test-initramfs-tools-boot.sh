#!/bin/sh
# The installed initramfs-tools boot scripts (init-top, init-premount) with a
# fake binder: they answer "prereqs" as initramfs-tools requires, call the
# binder (the second pass with GPUPT_PASS=late), exit 0 whatever the binder
# does, and log to the kernel log when it fails or is missing.
# shellcheck source=tests/hooks/lib.sh
. "$(dirname "$0")/lib.sh"

install_hooks "$scratch/root"
scripts="$scratch/root/usr/share/initramfs-tools/scripts"
argv="$scratch/argv"
kmsg="$scratch/kmsg"

# run SCRIPT BINDER-STATUS|missing [ARGS]: run a boot script; sets status.
run()
{
	script=$1
	bind="$scratch/bin/gpupt-bind"
	rm -f "$argv" "$kmsg" "$bind"
	[ "$2" = missing ] || fake_binder "$bind" "$argv" "$2"
	shift 2
	GPUPT_BIND="$bind" GPUPT_KMSG="$kmsg" "$script" "$@" >"$scratch/out" 2>&1
	status=$?
	touch "$argv" "$kmsg"
}

for stage in init-top init-premount; do
	script="$scripts/$stage/gpupt"
	case $stage in
	init-top) pass='' prefix='' ;;
	init-premount) pass=late prefix="second pass: " ;;
	esac

	run "$script" 0 prereqs
	assert_eq "$stage prereqs: status" 0 "$status"
	assert_eq "$stage prereqs: output (no PREREQ)" "" "$(cat "$scratch/out")"
	assert_eq "$stage prereqs: binder not run" "" "$(cat "$argv")"

	run "$script" 0
	assert_eq "$stage: status" 0 "$status"
	assert_eq "$stage: binder run once, no options" "argv= pass=$pass" "$(cat "$argv")"
	assert_eq "$stage: nothing logged on success" "" "$(cat "$kmsg")"

	run "$script" 1
	assert_eq "$stage binder fails: status" 0 "$status"
	assert_eq "$stage binder fails: logged" \
		"gpupt: ${prefix}gpupt-bind exited with status 1 (see the gpupt lines above); boot continues" \
		"$(cat "$kmsg")"

	run "$script" missing
	assert_eq "$stage binder missing: status" 0 "$status"
	assert_contains "$stage binder missing: logged" "$kmsg" \
		"gpupt: ${prefix}$scratch/bin/gpupt-bind is missing from the initramfs"

	# no writable kernel log: the line goes to the console instead
	rm -f "$argv"
	fake_binder "$scratch/bin/gpupt-bind" "$argv" 2
	GPUPT_BIND="$scratch/bin/gpupt-bind" GPUPT_KMSG="$scratch/no/such/kmsg" \
		"$script" >"$scratch/out" 2>&1
	assert_eq "$stage no kmsg: status" 0 "$?"
	assert_contains "$stage no kmsg: on stderr" "$scratch/out" "gpupt: ${prefix}gpupt-bind exited with status 2"
done

finish
