# tests/deb/: the Debian package: built from a clean copy of the tree,
# lintian- and blhc-clean, installed, upgraded, removed and purged in a
# Debian 12 root (root; uses the end-to-end test's cached root).
SHELL_SCRIPTS += tests/deb/build-deb tests/deb/check-deb

check-deb:
	sh tests/deb/check-deb
.PHONY: check-deb
