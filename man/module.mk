# man/: the manual pages gpupt(8), gpupt-bind(8), gpupt.conf(5), gpupt(7).
MANDIR ?= $(PREFIX)/share/man
MAN_PAGES := man/gpupt.8 man/gpupt-bind.8 man/gpupt.conf.5 man/gpupt.7

# Each page goes to the section its name ends in (gpupt.conf.5: man5).
install-man:
	@set -e; for p in $(MAN_PAGES); do \
		dst="$(DESTDIR)$(MANDIR)/man$${p##*.}/$${p##*/}"; \
		install -D -m 0644 "$$p" "$$dst"; \
		echo "installed $$dst"; \
	done
uninstall-man:
	@for p in $(MAN_PAGES); do \
		rm -f "$(DESTDIR)$(MANDIR)/man$${p##*.}/$${p##*/}"; \
	done
INSTALL_TARGETS += install-man
UNINSTALL_TARGETS += uninstall-man
.PHONY: install-man uninstall-man
