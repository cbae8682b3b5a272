#!/bin/sh
# The manual pages render without a single warning, name the version the
# programs print, and document exactly the long options the programs' --help
# lists: the global options in gpupt(8)'s OPTIONS, each command's in its
# ".SS gpupt COMMAND" subsection, the binder's in gpupt-bind(8)'s OPTIONS.
#   usage: test-man.sh path/to/gpupt path/to/gpupt-bind BUILT-MAN-DIR
set -u
[ $# -eq 3 ] || { echo "usage: test-man.sh GPUPT GPUPT_BIND MANDIR" >&2; exit 2; }
GPUPT=$1
BIND=$2
HERE=$(dirname "$0")
MAN=$3
PAGES="gpupt.8 gpupt-bind.8 gpupt.conf.5 gpupt.7"
for p in "$GPUPT" "$BIND"; do
	[ -x "$p" ] || { echo "test-man.sh: $p is not built" >&2; exit 1; }
done

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fails=0
checks=0

fail() {
	echo "FAIL $*"
	fails=$((fails + 1))
}

# ---- rendering --------------------------------------------------------------

for page in $PAGES; do
	checks=$((checks + 1))
	if ! command -v groff >/dev/null 2>&1; then
		fail "$page: groff is not installed (scripts/deps-build.txt lists groff-base)"
		continue
	fi
	out=$(groff -man -ww -z "$MAN/$page" 2>&1)
	st=$?
	{ [ "$st" -eq 0 ] && [ -z "$out" ]; } || fail "$page: groff -man -ww -z (status $st):
$out"
	# mandoc's lint knows man(7) conventions groff does not check.
	if command -v mandoc >/dev/null 2>&1; then
		checks=$((checks + 1))
		out=$(mandoc -T lint "$MAN/$page" 2>&1)
		st=$?
		{ [ "$st" -eq 0 ] && [ -z "$out" ]; } || fail "$page: mandoc -T lint (status $st):
$out"
	fi
done
command -v mandoc >/dev/null 2>&1 || echo "note: mandoc is not installed; mandoc -T lint skipped"

# A version bump must reach the pages too.
version=$("$GPUPT" --version | sed -n 's/^gpupt //p')
for page in $PAGES; do
	checks=$((checks + 1))
	th=$(sed -n 's/^\.TH .*"gpupt \([^"]*\)".*/\1/p' "$MAN/$page")
	[ "$th" = "$version" ] ||
		fail "$page: .TH names gpupt \"$th\", but \`gpupt --version\` prints \"$version\""
done

# ---- options ------------------------------------------------------------------

# The long options a --help text (stdin) lists for the command $1 ("": the
# program's own); help-options.awk says what counts as listing one.
help_options() {
	awk -v cmd="$1" -f "$HERE/help-options.awk" | sort -u
}

# The long options a page ($1) documents as ".TP" (or ".TQ") items: in the
# section OPTIONS when $2 is "", else in the subsection ".SS gpupt $2".
page_options() {
	awk -v want="$2" '
	function grab(s) {
		while (match(s, /--[a-z][a-z0-9-]*/)) {
			print substr(s, RSTART, RLENGTH)
			s = substr(s, RSTART + RLENGTH)
		}
	}
	/^\.S[HS]([ \t]|$)/ {
		t = $0
		sub(/^\.S[HS][ \t]*/, "", t)
		gsub(/"/, "", t)
		split(t, w, /[ \t]+/)
		if ($0 ~ /^\.SH/)
			inside = want == "" && t == "OPTIONS"
		else
			inside = want != "" && w[1] == "gpupt" && w[2] == want
		tag = 0
		next
	}
	/^\.T[PQ]([ \t]|$)/ { tag = inside; next }
	tag {
		s = $0
		gsub(/\\-/, "-", s)
		gsub(/\\f[BIRP]/, "", s)
		grab(s)
		tag = 0
	}' "$1" | sort -u
}

# compare NAME HELP_CMD PAGE HELP_FILE PAGE_FILE: one FAIL per option in only one.
compare() {
	checks=$((checks + 1))
	comm -23 "$4" "$5" >"$TMP/only-help"
	comm -13 "$4" "$5" >"$TMP/only-page"
	while read -r opt; do
		fail "$1: $opt is listed by \`$2\` but not documented in man/$3"
	done <"$TMP/only-help"
	while read -r opt; do
		fail "$1: $opt is documented in man/$3 but not listed by \`$2\`"
	done <"$TMP/only-page"
}

# The commands: those `gpupt --help` lists and those gpupt(8) has a subsection for.
"$GPUPT" --help >"$TMP/help" || fail "gpupt --help exited with status $?"
awk '/^Commands:/ { on = 1; next } on && /^$/ { exit } on { print $1 }' "$TMP/help" |
	sort -u >"$TMP/cmds-help"
sed -n 's/^\.SS "*gpupt \([a-z-]*\)"*$/\1/p' "$MAN/gpupt.8" | sort -u >"$TMP/cmds-page"
checks=$((checks + 1))
[ -s "$TMP/cmds-help" ] || fail "gpupt --help: no commands found under \"Commands:\""
comm -23 "$TMP/cmds-help" "$TMP/cmds-page" >"$TMP/cmds-only-help"
comm -13 "$TMP/cmds-help" "$TMP/cmds-page" >"$TMP/cmds-only-page"
while read -r c; do
	fail "gpupt $c: listed by \`gpupt --help\` but has no \".SS gpupt $c\" in man/gpupt.8"
done <"$TMP/cmds-only-help"
while read -r c; do
	fail "gpupt $c: man/gpupt.8 has \".SS gpupt $c\" but \`gpupt --help\` lists no such command"
done <"$TMP/cmds-only-page"

# Global options.
help_options "" <"$TMP/help" >"$TMP/help-opts"
page_options "$MAN/gpupt.8" "" >"$TMP/page-opts"
[ -s "$TMP/help-opts" ] || fail "gpupt --help: no options found (is the parser above still right?)"
compare "gpupt (global options)" "gpupt --help" gpupt.8 "$TMP/help-opts" "$TMP/page-opts"

total=0
while read -r c; do
	[ -n "$c" ] || continue
	"$GPUPT" "$c" --help >"$TMP/help-$c" 2>&1 || fail "gpupt $c --help exited with status $?"
	help_options "$c" <"$TMP/help-$c" >"$TMP/help-opts"
	page_options "$MAN/gpupt.8" "$c" >"$TMP/page-opts"
	total=$((total + $(wc -l <"$TMP/help-opts")))
	compare "gpupt $c" "gpupt $c --help" gpupt.8 "$TMP/help-opts" "$TMP/page-opts"
done <"$TMP/cmds-help"
[ "$total" -gt 0 ] || fail "no command's --help lists an option (is the parser above still right?)"

# The binder.
"$BIND" --help >"$TMP/help-bind" || fail "gpupt-bind --help exited with status $?"
help_options "" <"$TMP/help-bind" >"$TMP/help-opts"
page_options "$MAN/gpupt-bind.8" "" >"$TMP/page-opts"
[ -s "$TMP/help-opts" ] || fail "gpupt-bind --help: no options found (is the parser above still right?)"
compare "gpupt-bind" "gpupt-bind --help" gpupt-bind.8 "$TMP/help-opts" "$TMP/page-opts"

echo "test-man.sh: $checks checks, $fails failed"
[ "$fails" -eq 0 ]
