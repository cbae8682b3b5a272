#!/bin/bash
# completion/gpupt.bash, driven as bash drives it: each case is a command
# line, split into COMP_WORDS at COMP_WORDBREAKS the way readline splits it,
# with the cursor at its end; COMPREPLY must hold exactly the expected
# words.  Devices and VM ids come from a fixture root given with --root.
# Each command's options must be the ones its --help lists (plus --help),
# and the global options that gpupt also takes after the command.
#   usage: test-completion.sh path/to/gpupt
set -u
[ $# -eq 1 ] || { echo "usage: test-completion.sh GPUPT" >&2; exit 2; }
GPUPT=$1
[ -x "$GPUPT" ] || { echo "test-completion.sh: $GPUPT is not built" >&2; exit 1; }
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck disable=SC1091 # checked on its own at the end
. "$HERE/../../completion/gpupt.bash"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fails=0
checks=0

fail() {
	echo "FAIL $*"
	fails=$((fails + 1))
}

# ---- the fixture root -----------------------------------------------------------

FIX=$TMP/fix
# pci_dev ADDR CLASS VENDOR DEVICE: a device directory as sysfs has it.
pci_dev() {
	local d=$FIX/sys/bus/pci/devices/$1
	mkdir -p "$d"
	printf '%s\n' "$2" >"$d/class"
	printf '%s\n' "$3" >"$d/vendor"
	printf '%s\n' "$4" >"$d/device"
}
pci_dev 0000:00:00.0 0x060000 0x8086 0x3e0f # host bridge
pci_dev 0000:00:1f.2 0x010601 0x8086 0xa102 # SATA: holds the root file system
pci_dev 0000:01:00.0 0x030000 0x10de 0x1381 # GeForce
pci_dev 0000:01:00.1 0x040300 0x10de 0x0fbc # its HDMI audio
pci_dev 0000:02:00.0 0x0c0330 0x1b21 0x1242 # USB controller in a slot of its own
mkdir -p "$FIX/etc/pve/qemu-server"
: >"$FIX/etc/pve/qemu-server/100.conf"
: >"$FIX/etc/pve/qemu-server/101.conf"
: >"$FIX/etc/pve/qemu-server/notes.txt"

# ---- driving the completion -------------------------------------------------------

# Split $1 into COMP_WORDS as readline does: white space separates words,
# and each run of COMP_WORDBREAKS characters is a word of its own; a line
# that ends in white space has an empty word last.  The cursor is at the end.
set_line() {
	local line=$1 c w='' brk=0 i
	COMP_WORDS=()
	for ((i = 0; i < ${#line}; i++)); do
		c=${line:i:1}
		if [[ $c == [[:space:]] ]]; then
			[[ -n $w ]] && COMP_WORDS+=("$w")
			w='' brk=0
		elif [[ $COMP_WORDBREAKS == *"$c"* ]]; then
			if ((!brk)); then
				[[ -n $w ]] && COMP_WORDS+=("$w")
				w='' brk=1
			fi
			w+=$c
		else
			if ((brk)); then
				COMP_WORDS+=("$w")
				w='' brk=0
			fi
			w+=$c
		fi
	done
	[[ -n $w || $line == *[[:space:]] ]] && COMP_WORDS+=("$w")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE=$line
	COMP_POINT=${#line}
}

# The words given, sorted, on one line.
sorted() {
	(($#)) && printf '%s\n' "$@" | sort | tr '\n' ' '
}

# expect LINE WORD...: completing LINE offers exactly these words (any order).
expect() {
	local line=$1 got want
	shift
	checks=$((checks + 1))
	set_line "$line"
	COMPREPLY=()
	_gpupt
	got=$(sorted "${COMPREPLY[@]}")
	want=$(sorted "$@")
	[[ $got == "$want" ]] || fail "\"$line\": offered [${got% }], expected [${want% }]"
}

# bash's own default: ':' and '=' split words.
COMP_WORDBREAKS=$' \t\n"\'><=;|&(:'

# Commands and global options.
expect "gpupt " list check status enable confirm rollback disable rom vm map trial-agent
expect "gpupt st" status
expect "gpupt --json --verbose " list check status enable confirm rollback disable rom vm map trial-agent
expect "gpupt --root $FIX c" check confirm
expect "gpupt --j" --json

# Devices: every function of the GPU's slot, the slot, their IDs; not the
# SATA controller, the host bridge or the USB controller.
expect "gpupt --root $FIX enable " 0000:01:00.0 0000:01:00.1 0000:01:00 10de:1381 10de:0fbc
expect "gpupt --root=$FIX enable --dry-run " 0000:01:00.0 0000:01:00.1 0000:01:00 10de:1381 10de:0fbc
expect "gpupt --root $FIX enable 0000:01:00.0 " 0000:01:00.0 0000:01:00.1 0000:01:00 10de:1381 10de:0fbc
expect "gpupt --root $FIX enable 10" 10de:1381 10de:0fbc
expect "gpupt --root $FIX enable 0000:00" # nothing in slot 00 is a GPU's
# A word with ':' in it: bash replaces only the text after the last ':'.
expect "gpupt --root $FIX enable 0000:01:00." 00.0 00.1
expect "gpupt --root $FIX enable 0000:01:" 00.0 00.1 00
expect "gpupt --root $FIX enable 10de:0" 0fbc
# rom and vm take a function or a slot, not an ID.
expect "gpupt --root $FIX rom " 0000:01:00.0 0000:01:00.1 0000:01:00
expect "gpupt --root $FIX rom 0000:01:00.0 " # one DEVICE only
expect "gpupt --root $FIX rom --file x " # no DEVICE with --file
expect "gpupt --root $FIX vm 100 " 0000:01:00.0 0000:01:00.1 0000:01:00
expect "gpupt --root $FIX vm --bios seabios 101 0000:01:00." 00.0 00.1
expect "gpupt --root $FIX vm 100 0000:01:00 " # VMID DEVICE, nothing more
# No --root on the line: the devices of / are read, not the fixture's.
[[ -d /sys/bus/pci/devices/0000:01:00.0 ]] || expect "gpupt enable 0000:01:00.0"

# --root after the command counts too, as gpupt takes it there.
expect "gpupt enable --root $FIX " 0000:01:00.0 0000:01:00.1 0000:01:00 10de:1381 10de:0fbc
expect "gpupt vm --root=$FIX 10" 100 101
expect "gpupt vm --json --root $FIX 100 --dry-run " 0000:01:00.0 0000:01:00.1 0000:01:00
expect "gpupt list --j" --json

# VM ids.
expect "gpupt --root $FIX vm " 100 101
expect "gpupt --root $FIX vm 10" 100 101
expect "gpupt --root $FIX vm --dry-run 101" 101
expect "gpupt --root=$FIX vm --one-function 1" 100 101

# Option values.
expect "gpupt vm --bios " ovmf seabios
expect "gpupt vm 100 01:00 --bios s" seabios
expect "gpupt vm --bios=o" ovmf
# --mapping takes a NAME (nothing offered), not a device.
expect "gpupt --root $FIX vm 100 --mapping "
expect "gpupt --root $FIX vm 100 --mapping gpu " 0000:01:00.0 0000:01:00.1 0000:01:00
# gpupt map: a NAME first (nothing offered), then SELs.
expect "gpupt --root $FIX map "
expect "gpupt --root $FIX map gpu " 0000:01:00.0 0000:01:00.1 0000:01:00 10de:1381 10de:0fbc
expect "gpupt map --d" --dry-run

# Files and directories, relative to the current directory.
mkdir -p "$TMP/cwd/roms" "$TMP/cwd/root1" "$TMP/cwd/root2"
: >"$TMP/cwd/gk208.rom"
: >"$TMP/cwd/gk208.txt"
: >"$TMP/cwd/rootfile"
cd "$TMP/cwd" || exit 1
expect "gpupt rom --file gk" gk208.rom gk208.txt
expect "gpupt rom --file=gk208.r" gk208.rom
expect "gpupt --root ro" roms root1 root2
expect "gpupt --root=root" root1 root2
expect "gpupt --root $FIX/etc/pve/q" "$FIX/etc/pve/qemu-server"
expect "gpupt status --root ro" roms root1 root2
expect "gpupt enable --dry-run --root=root" root1 root2
cd - >/dev/null || exit 1

# Without ':' and '=' in COMP_WORDBREAKS bash hands over whole words, and
# the replies must be whole words too.
COMP_WORDBREAKS=$' \t\n"\'><;|&('
expect "gpupt --root=$FIX enable 0000:01:00." 0000:01:00.0 0000:01:00.1
expect "gpupt --root=$FIX vm 100 0000:01:" 0000:01:00.0 0000:01:00.1 0000:01:00
expect "gpupt vm --bios=s" --bios=seabios
COMP_WORDBREAKS=$' \t\n"\'><=;|&(:'

# Each command's options are those its --help lists (and --help itself),
# and the global options but --help and --version, which act only before a
# command.
"$GPUPT" --help >"$TMP/help" || fail "gpupt --help exited with status $?"
mapfile -t want < <(awk -v cmd= -f "$HERE/help-options.awk" "$TMP/help" | sort -u)
((${#want[@]} > 0)) || fail "gpupt --help: no options found"
expect "gpupt -" "${want[@]}"
mapfile -t globals < <(printf '%s\n' "${want[@]}" | grep -vxe --help -e --version)
mapfile -t commands < <(awk '/^Commands:/ { on = 1; next } on && /^$/ { exit } on { print $1 }' "$TMP/help")
((${#commands[@]} > 0)) || fail "gpupt --help: no commands found"
expect "gpupt " "${commands[@]}"
for c in "${commands[@]}"; do
	"$GPUPT" "$c" --help >"$TMP/help-$c" 2>&1 || fail "gpupt $c --help exited with status $?"
	mapfile -t want < <({ awk -v cmd="$c" -f "$HERE/help-options.awk" "$TMP/help-$c"; echo --help
		printf '%s\n' "${globals[@]}"; } | sort -u)
	expect "gpupt --root $FIX $c -" "${want[@]}"
done

# The completion leaves no variables behind in the user's shell.
for v in $(compgen -v _gpupt); do
	fail "variable $v is left set after completing"
done

if command -v shellcheck >/dev/null 2>&1; then
	checks=$((checks + 1))
	shellcheck -s bash "$HERE/../../completion/gpupt.bash" "$HERE/test-completion.sh" ||
		fail "shellcheck -s bash found problems (above)"
else
	echo "note: shellcheck is not installed; shellcheck -s bash skipped"
fi

echo "test-completion.sh: $checks checks, $fails failed"
[ "$fails" -eq 0 ]
