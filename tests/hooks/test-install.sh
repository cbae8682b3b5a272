#!/bin/sh
# `make install-hooks` / `make uninstall-hooks` into a scratch DESTDIR: every
# file where its generator reads it, with its mode, the binder path of the
# PREFIX substituted, the example conf under share/doc (never /etc/gpupt.conf,
# which belongs to `gpupt enable`), and uninstall removing what install added.
# shellcheck source=tests/hooks/lib.sh
. "$(dirname "$0")/lib.sh"

# installed path (under PREFIX) and mode of every file
expected_files()
{
	cat <<LIST
share/initramfs-tools/hooks/gpupt 755
share/initramfs-tools/scripts/init-top/gpupt 755
share/initramfs-tools/scripts/init-premount/gpupt 755
lib/dracut/modules.d/90gpupt/module-setup.sh 755
lib/dracut/modules.d/90gpupt/gpupt-pre-udev.sh 755
lib/dracut/dracut.conf.d/90-gpupt.conf 644
lib/initcpio/install/gpupt 644
lib/initcpio/hooks/gpupt 644
share/doc/gpupt/examples/gpupt.conf 644
LIST
}

# check_prefix PREFIX: install with it, then assert on every file.
check_prefix()
{
	dest="$scratch/root$(echo "$1" | tr / _)"
	install_hooks "$dest" "$1"
	binder="$1/lib/gpupt/gpupt-bind"
	seen=0
	expected_files >"$scratch/list"
	while read -r path mode; do
		file="$dest$1/$path"
		if [ ! -f "$file" ]; then
			fail "$file not installed"
			continue
		fi
		assert_eq "mode of $file" "$mode" "$(stat -c %a "$file")"
		assert_lacks "@BINDER@ left in $file" "$file" "@BINDER@"
		case "$path" in
		*.conf) ;;
		*)
			assert_contains "binder path in $file" "$file" "$binder"
			sh -n "$file" || fail "$file: syntax error"
			;;
		esac
		seen=$((seen + 1))
	done <"$scratch/list"
	assert_eq "files checked under $1" 9 "$seen"
	cmp -s "$top/initramfs-hook/gpupt.conf" "$dest$1/share/doc/gpupt/examples/gpupt.conf" ||
		fail "the installed example differs from initramfs-hook/gpupt.conf"
	assert_eq "no /etc/gpupt.conf installed" no "$([ -e "$dest/etc/gpupt.conf" ] && echo yes || echo no)"
}

check_prefix /usr
check_prefix /usr/local

# The sample selects nothing: every line is a comment or empty.
assert_eq "uncommented lines in the sample conf" "" \
	"$(grep -v -e '^#' -e '^[[:space:]]*$' "$top/initramfs-hook/gpupt.conf")"

# An admin's conf survives install and uninstall.
dest="$scratch/admin"
mkdir -p "$dest/etc"
echo "ids = 10de:1381" >"$dest/etc/gpupt.conf"
install_hooks "$dest"
assert_eq "admin conf after install" "ids = 10de:1381" "$(cat "$dest/etc/gpupt.conf")"
hooks_make uninstall-hooks "$dest" >"$scratch/out" ||
	fail "make uninstall-hooks failed"
assert_eq "admin conf after uninstall" "ids = 10de:1381" "$(cat "$dest/etc/gpupt.conf")"
assert_eq "files left after uninstall" "$dest/etc/gpupt.conf" "$(find "$dest" -type f)"
assert_eq "dracut module directory removed" no \
	"$([ -d "$dest/usr/lib/dracut/modules.d/90gpupt" ] && echo yes || echo no)"

# Uninstall leaves nothing behind.
dest="$scratch/root_usr"
hooks_make uninstall-hooks "$dest" >/dev/null ||
	fail "make uninstall-hooks failed"
assert_eq "files left after uninstall" "" "$(find "$dest" -type f)"

finish
