#!/bin/sh
# The gpupt command line itself (global options, command table, help, exit
# statuses) on a fixture root: test-gpupt.sh GPUPT
set -u

gpupt=$1
here=$(dirname "$0")/../fixtures/host
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

# expect NAME STATUS PATTERN CMD...: CMD exits STATUS and its output
# (stdout and stderr) has a line matching the fixed string PATTERN.  A
# command that hangs is stopped after 20 s (exit status 124).
expect() {
	name=$1 want=$2 pattern=$3
	shift 3
	timeout 20 "$@" >"$tmp/out" 2>&1
	got=$?
	if [ "$got" -eq "$want" ] && grep -qxF -- "$pattern" "$tmp/out"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL $name: exit $got (want $want), no line \"$pattern\" in:"
		sed 's/^/  | /' "$tmp/out"
	fi
}

sh "$here/devroot.sh" seed "$tmp/root" || { echo "cannot build the fixture root"; exit 1; }
# The root's own tools (chroot, grub-probe) are the fixture's stand-ins.
PATH=$tmp/root/.fake-bin:$PATH
R=$tmp/root

expect help 0 "  gpupt enable 01:00    select every function of slot 01:00, then reboot: the" "$gpupt" --help
expect help-commands 0 "  list      show the GPUs, all functions of their slots, drivers, IOMMU groups" "$gpupt" -h
# The one version, from VERSION at the top of the tree.
expect version 0 "gpupt $(cat "$here/../../../VERSION")" "$gpupt" --version
expect no-command 2 "gpupt: no command given" "$gpupt"
expect unknown-command 2 "gpupt: unknown command \"frobnicate\"; the commands are:" "$gpupt" frobnicate
expect unknown-command-lists 2 "  status    configured vs in effect vs bound now; is a reboot pending?" "$gpupt" frobnicate
expect unknown-option 2 "gpupt: unknown option \"--bogus\"" "$gpupt" --bogus list
expect root-missing 2 "gpupt: --root $tmp/nonexistent: No such file or directory" "$gpupt" --root "$tmp/nonexistent" list
expect root-no-arg 2 "gpupt: --root needs a directory" "$gpupt" --root
expect list 0 "IOMMU group 12: 0000:01:00.0 [10de:1381] nouveau, 0000:01:00.1 [10de:0fbc] snd_hda_intel" "$gpupt" --root "$R" list
expect list-root-equals 0 "IOMMU group 2: 0000:00:02.0 [8086:3e92] i915" "$gpupt" --root="$R" list
expect list-help 0 "Usage: gpupt [--root DIR] [--json] [--verbose] list" "$gpupt" list --help
expect list-bad-option 2 "Usage: gpupt [--root DIR] [--json] [--verbose] list" "$gpupt" --root "$R" list --frob
expect check 0 "PASS  CPU virtualization: vmx (Intel VT-x)" "$gpupt" --root "$R" check
expect status 0 "Reboot pending: no" "$gpupt" --root "$R" --verbose status
expect status-help 0 "Usage: gpupt [--root DIR] [--json] [--verbose] status" "$gpupt" status --help

# The global options may follow the command too, as systemctl takes them.
expect root-after-command 0 "would run: chroot $R update-grub" "$gpupt" enable --root "$R" --dry-run --no-trial 01:00
expect root-equals-after 0 "IOMMU group 2: 0000:00:02.0 [8086:3e92] i915" "$gpupt" list --root="$R"
expect verbose-after 0 "IOMMU group 13: 0000:02:00.0 [144d:a808] nvme" "$gpupt" list --root "$R" --verbose
expect root-after-no-arg 2 "gpupt: --root needs a directory" "$gpupt" list --root
expect root-after-missing 2 "gpupt: --root $tmp/nonexistent: No such file or directory" "$gpupt" status --root "$tmp/nonexistent"
# An option's value is not taken for a global option; nor is anything after "--".
expect value-not-global 2 "gpupt: vm: --bios \"--json\": use ovmf or seabios" "$gpupt" vm --root "$R" --bios --json 100 01:00
expect file-value-not-global 1 "gpupt: rom: cannot read --json: No such file or directory" "$gpupt" rom -f --json
expect after-dashdash 2 "gpupt: \"--json\": not a PCI ID (VVVV:DDDD, e.g. 10de:1381), address ([DDDD:]BB:SS.F, e.g. 01:00.0) or slot ([DDDD:]BB:SS, e.g. 01:00); see \`gpupt list\`" "$gpupt" enable --root "$R" -- --json

"$gpupt" check --json --root "$R" >"$tmp/json-after" 2>&1
case $(cat "$tmp/json-after") in
'{"checks":[{"check":"CPU virtualization","result":"pass",'*'],"result":"pass"}')
	passed=$((passed + 1)) ;;
*)
	failed=$((failed + 1))
	echo "FAIL json-after-command: $(cat "$tmp/json-after")" ;;
esac

# ---- a FIFO or a directory where a regular file belongs: refused at once ----
# odd KIND PATH: a copy of the seed root in $O where PATH is a FIFO or a directory.
odd() {
	rm -rf "$tmp/odd"
	cp -RP "$R" "$tmp/odd"
	O=$tmp/odd
	rm -f "$O/$2"
	case $1 in
	fifo) mkfifo "$O/$2" ;;
	dir) mkdir "$O/$2" ;;
	esac
}
NOT_REGULAR="not a regular file (a FIFO, a device or a directory)"
DEV=sys/devices/pci0000:00/0000:01:00.0
for kind in fifo dir; do
	odd $kind etc/gpupt.conf
	expect "conf-$kind-list" 1 "gpupt: /etc/gpupt.conf: $NOT_REGULAR" "$gpupt" --root "$O" list
	expect "conf-$kind-status" 1 "gpupt: /etc/gpupt.conf: $NOT_REGULAR" "$gpupt" --root "$O" status
	odd $kind proc/cmdline
	expect "cmdline-$kind-list" 1 "gpupt: /proc/cmdline: $NOT_REGULAR" "$gpupt" --root "$O" list
	# An attribute libpci opens (it would wait on a FIFO, and stop on a directory).
	odd $kind $DEV/vendor
	expect "sysfs-$kind-list" 1 "gpupt: /sys/bus/pci/devices/0000:01:00.0/vendor: a FIFO, device node or directory where sysfs has a file; the PCI devices below $O cannot be read" "$gpupt" --root "$O" list
	# One gpupt writes, then reads itself: it fails at once, never waits.
	odd $kind $DEV/rom
	case $kind in fifo) why="No such device or address" ;; dir) why="Is a directory" ;; esac
	expect "sysfs-$kind-rom" 1 "gpupt: rom: 0000:01:00.0: cannot read the option ROM: $why" "$gpupt" --root "$O" rom 01:00.0
	rm -rf "$tmp/rom.bin"
	case $kind in fifo) mkfifo "$tmp/rom.bin" ;; dir) mkdir "$tmp/rom.bin" ;; esac
	expect "rom-file-$kind" 1 "gpupt: rom: cannot read $tmp/rom.bin: $NOT_REGULAR" "$gpupt" rom --file "$tmp/rom.bin"
done
# The same FIFO with a writer that never writes.
mkfifo "$tmp/held"
exec 3<>"$tmp/held"
expect "rom-file-fifo-held" 1 "gpupt: rom: cannot read $tmp/held: $NOT_REGULAR" "$gpupt" rom --file "$tmp/held"
exec 3>&-

"$gpupt" --root "$R" --json check >"$tmp/json" 2>&1
case $(cat "$tmp/json") in
'{"checks":[{"check":"CPU virtualization","result":"pass",'*'],"result":"pass"}')
	passed=$((passed + 1)) ;;
*)
	failed=$((failed + 1))
	echo "FAIL json-check: $(cat "$tmp/json")" ;;
esac

echo "test-gpupt: $passed checks, $failed failed"
[ "$failed" -eq 0 ]
