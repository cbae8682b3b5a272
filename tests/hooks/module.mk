# tests/hooks/: the initramfs-tools, dracut and mkinitcpio hooks, installed
# into a scratch DESTDIR by the real install rule and run there.
# test-conf-driver.sh compares the hooks' reading of the conf with the
# binder's, so it runs the binder just built.
HOOK_TESTS := $(sort $(wildcard tests/hooks/test-*.sh))
SHELL_SCRIPTS += tests/hooks/lib.sh $(HOOK_TESTS)
TEST_SCRIPTS += $(filter-out %/test-conf-driver.sh,$(HOOK_TESTS)) \
	"sh tests/hooks/test-conf-driver.sh $(B)/gpupt-bind"
