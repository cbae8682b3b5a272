# tests/lib/: what the QEMU runners share: the stall detector
# (bootwatch.sh), tested with fake QEMUs in every `make check`.
SHELL_SCRIPTS += tests/lib/bootwatch.sh tests/lib/test-bootwatch.sh
TEST_SCRIPTS += tests/lib/test-bootwatch.sh
