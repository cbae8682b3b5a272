# completion/: bash completion for gpupt.
BASHCOMPDIR ?= $(shell pkg-config --variable=completionsdir bash-completion 2>/dev/null || echo $(PREFIX)/share/bash-completion/completions)

install-completion:
	install -D -m 0644 completion/gpupt.bash $(DESTDIR)$(BASHCOMPDIR)/gpupt
uninstall-completion:
	rm -f $(DESTDIR)$(BASHCOMPDIR)/gpupt
INSTALL_TARGETS += install-completion
UNINSTALL_TARGETS += uninstall-completion
.PHONY: install-completion uninstall-completion
