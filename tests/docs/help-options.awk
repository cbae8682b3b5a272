# The long options a --help text lists, one per line: the option column of
# its option lines ("  -n, --dry-run   text", "  --pcie / --no-pcie   text")
# and its usage lines after the word cmd (the command; "" for the program
# itself), so "Usage: gpupt disable [--dry-run] [--yes]" counts but the
# global "[--root DIR]" before "check" in "Usage: gpupt [--root DIR] check"
# does not.  Prose that mentions an option elsewhere is not a listing.
#   usage: awk -v cmd=COMMAND -f help-options.awk HELP_TEXT
function grab(s) {
	while (match(s, /--[a-z][a-z0-9-]*/)) {
		print substr(s, RSTART, RLENGTH)
		s = substr(s, RSTART + RLENGTH)
	}
}
function usage(s,   i) {
	if (cmd != "") {
		i = index(s " ", " " cmd " ")
		if (i == 0)
			return
		s = substr(s, i + length(cmd) + 1)
	}
	grab(s)
}
/^[Uu]sage:/ { inusage = 1; s = $0; sub(/^[Uu]sage:[ \t]*/, "", s); usage(s); next }
inusage && /^[ \t]+(gpupt|\[)/ { s = $0; sub(/^[ \t]+/, "", s); usage(s); next }
{ inusage = 0 }
/^[ \t]+(-[A-Za-z], )?--[a-z]/ {
	s = $0
	sub(/^[ \t]+/, "", s)
	sub(/   *.*/, "", s)
	grab(s)
}
