# tests/docs/: the manual pages render without warnings and document every
# option that each program's --help lists (and no other); the bash
# completion offers exactly the right words on a fixture root.
# test-completion.sh is bash (it drives bash's completion), so it is not in
# SHELL_SCRIPTS, which make lint checks as POSIX sh: make lint checks it and
# completion/gpupt.bash as bash.
TEST_SCRIPTS += "sh tests/docs/test-man.sh $(B)/gpupt $(B)/gpupt-bind $(B)/man" \
	"bash tests/docs/test-completion.sh $(B)/gpupt"
SHELL_SCRIPTS += tests/docs/test-man.sh
BASH_SCRIPTS += completion/gpupt.bash tests/docs/test-completion.sh
