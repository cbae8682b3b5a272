#!/bin/sh
# The gpupt binary's rom and vm commands, end to end on fixture roots (and,
# read-only, on this machine's sysfs for a device without a ROM).
#   vm-rom-cli.sh GPUPT
set -u

gpupt=${1:?usage: vm-rom-cli.sh GPUPT}
here=$(dirname "$0")/../fixtures/host
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
failed=0

fail() {
	echo "FAIL: $*"
	failed=$((failed + 1))
}

# expect STATUS PATTERN COMMAND...: exit status and a line of the output.
expect() {
	want=$1 pattern=$2
	shift 2
	"$@" >"$tmp/out" 2>&1
	got=$?
	[ "$got" -eq "$want" ] || fail "$* exited $got, not $want"
	grep -q -e "$pattern" "$tmp/out" || fail "$*: no line matching '$pattern' in: $(cat "$tmp/out")"
}

sh "$here/rom-images.sh" "$tmp/roms" || exit 1
expect 0 '^UEFI-bootable: yes$' "$gpupt" rom --file "$tmp/roms/rom-x86-efi"
expect 0 '^UEFI-bootable: no$' "$gpupt" rom --file "$tmp/roms/rom-x86-only"
expect 0 '^UEFI-bootable: no$' "$gpupt" rom --file "$tmp/roms/rom-efi-aa64"
expect 0 'after a 1024-byte header' "$gpupt" rom --file "$tmp/roms/rom-after-header"
expect 1 'not a PCI option ROM' "$gpupt" rom --file "$tmp/roms/rom-no-signature"
expect 0 '"uefi_bootable":true' "$gpupt" --json rom --file "$tmp/roms/rom-efi-only"
expect 2 'not a PCI address' "$gpupt" rom '01:00.0;reboot'

# A root with the seed GPU, selected, and VM 100.
root=$tmp/root
for fn in 0 1; do
	mkdir -p "$root/sys/bus/pci/devices/0000:01:00.$fn"
done
printf 'PCI_CLASS=30000\nPCI_ID=10DE:1381\nPCI_SUBSYS_ID=1043:8416\nPCI_SLOT_NAME=0000:01:00.0\n' \
	>"$root/sys/bus/pci/devices/0000:01:00.0/uevent"
printf 'PCI_CLASS=40300\nPCI_ID=10DE:0FBC\nPCI_SUBSYS_ID=1043:8416\nPCI_SLOT_NAME=0000:01:00.1\n' \
	>"$root/sys/bus/pci/devices/0000:01:00.1/uevent"
mkdir -p "$root/etc/pve/qemu-server"
echo 'addrs = 0000:01:00.0=10de:1381,0000:01:00.1=10de:0fbc' >"$root/etc/gpupt.conf"
cp "$here/vm-100.conf" "$root/etc/pve/qemu-server/100.conf"

expect 0 '^+machine: q35$' "$gpupt" --root "$root" vm 100 01:00 --dry-run
cmp -s "$here/vm-100.conf" "$root/etc/pve/qemu-server/100.conf" || fail "--dry-run changed the file"
# Without a terminal vm asks for --yes, and writes nothing.
expect 2 'add --yes to go ahead' "$gpupt" --root "$root" vm 100 01:00 </dev/null
cmp -s "$here/vm-100.conf" "$root/etc/pve/qemu-server/100.conf" || fail "vm without --yes changed the file"
expect 0 '^updated /etc/pve/qemu-server/100.conf' "$gpupt" --root "$root" vm 100 01:00 --yes
cmp -s "$here/vm-100.expected" "$root/etc/pve/qemu-server/100.conf" || fail "vm 100 01:00: unexpected result"
expect 1 'VM 101 does not exist here' "$gpupt" --root "$root" vm 101 01:00
expect 2 'VMID "42" is not a number' "$gpupt" --root "$root" vm 42 01:00

# This machine: a device without a rom attribute gets the plain message.
for dev in /sys/bus/pci/devices/*; do
	if [ ! -e "$dev" ] || [ -e "$dev/rom" ]; then
		continue
	fi
	expect 1 "${dev##*/} has no option ROM" "$gpupt" rom "${dev##*/}"
	break
done

[ "$failed" -eq 0 ] && echo "vm-rom-cli: all passed"
[ "$failed" -eq 0 ]
