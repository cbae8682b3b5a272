# tests/journey/: gpupt's whole journey on Debian 12 guests that boot from
# their own disks (firmware -> GRUB or systemd-boot -> kernel) under QEMU.
# Needs root; installs its own dependencies (deps.txt).  Images are cached
# outside the clone (JOURNEY_CACHE, default /var/cache/gpupt-tests/journey).
#   make check-journey                           every leg
#   make check-journey JOURNEY_LEGS=uefi-sdboot  one leg
JOURNEY_LEGS ?=

SHELL_SCRIPTS += tests/journey/run tests/journey/mkimage tests/journey/steps \
	tests/journey/agent tests/journey/proxmox-boot-tool

check-journey: all
	sh tests/journey/run $(JOURNEY_LEGS)
