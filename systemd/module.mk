# systemd/: gpupt-trial.service, the trial boot's check (gpupt trial-agent).
# Installed, not enabled: the package enables it (dh_installsystemd);
# after `make install`, run `systemctl enable gpupt-trial.service`.
SYSTEMDUNITDIR ?= $(if $(filter /usr,$(PREFIX)),/lib/systemd/system,$(PREFIX)/lib/systemd/system)

BINS += $(B)/systemd/gpupt-trial.service

$(B)/systemd/gpupt-trial.service: systemd/gpupt-trial.service.in
	@mkdir -p $(@D)
	sed 's|@SBINDIR@|$(SBINDIR)|g' $< >$@

install-systemd: $(B)/systemd/gpupt-trial.service
	install -D -m 0644 $< $(DESTDIR)$(SYSTEMDUNITDIR)/gpupt-trial.service
uninstall-systemd:
	rm -f $(DESTDIR)$(SYSTEMDUNITDIR)/gpupt-trial.service
INSTALL_TARGETS += install-systemd
UNINSTALL_TARGETS += uninstall-systemd
.PHONY: install-systemd uninstall-systemd
