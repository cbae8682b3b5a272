# completion/: bash completion for gpupt.
BASHCOMPDIR ?= $(shell pkg-config --variable=completionsdir bash-completion 2>/dev/null || echo $(PREFIX)/share/bash-completion/completions)

# A bash script (it drives bash's completion), so it is not in SHELL_SCRIPTS,
# which make lint checks as POSIX sh: the test runs shellcheck -s bash on
# itself and on gpupt.bash.  It reads the --help of the gpupt just built,
# through man/help-options.awk, to check each command's options.
TEST_SCRIPTS += "bash completion/test-completion.sh $(B)/gpupt"

install-completion:
	install -D -m 0644 completion/gpupt.bash $(DESTDIR)$(BASHCOMPDIR)/gpupt
uninstall-completion:
	rm -f $(DESTDIR)$(BASHCOMPDIR)/gpupt
INSTALL_TARGETS += install-completion
UNINSTALL_TARGETS += uninstall-completion
.PHONY: install-completion uninstall-completion
