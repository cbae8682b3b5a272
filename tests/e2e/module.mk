# tests/e2e/: boots real Debian kernels (6.1 and 6.12) under QEMU with images
# made by the real mkinitramfs and dracut, and checks which driver owns each
# emulated device.  Needs root; installs its own dependencies (deps.txt).
#   make check-e2e                     every scenario
#   make check-e2e E2E_ONLY='ids-vga'  only boots whose NAME/KERNEL matches
E2E_ONLY ?=

SHELL_SCRIPTS += tests/e2e/run tests/e2e/mkroot tests/e2e/guest-init \
	tests/e2e/initramfs-tools-drivers.hook

check-e2e: all
	sh tests/e2e/run '$(E2E_ONLY)'
