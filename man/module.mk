# man/: the manual pages gpupt(8), gpupt-bind(8), gpupt.conf(5), gpupt(7).
# The sources say "@VERSION@"; the build writes the pages with the version
# of VERSION into $(B)/man, and those are what is tested and installed.
MAN_SRCS := man/gpupt.8 man/gpupt-bind.8 man/gpupt.conf.5 man/gpupt.7
MAN_PAGES := $(MAN_SRCS:man/%=$(B)/man/%)
BINS += $(MAN_PAGES)

$(B)/man/%: man/% VERSION
	@mkdir -p $(@D)
	sed 's/@VERSION@/$(VERSION)/g' $< >$@

# Each page goes to the section its name ends in (gpupt.conf.5: man5).
install-man: $(MAN_PAGES)
	@set -e; for p in $(MAN_PAGES); do \
		dst="$(DESTDIR)$(MANDIR)/man$${p##*.}/$${p##*/}"; \
		install -D -m 0644 "$$p" "$$dst"; \
		echo "installed $$dst"; \
	done
uninstall-man:
	@for p in $(MAN_SRCS); do \
		rm -f "$(DESTDIR)$(MANDIR)/man$${p##*.}/$${p##*/}"; \
	done
INSTALL_TARGETS += install-man
UNINSTALL_TARGETS += uninstall-man
.PHONY: install-man uninstall-man
