# tests/cli/: the commands run on fixture roots (tests/fixtures/), with exact
# assertions on what they printed and wrote where.  Every
# tests/cli/test_NAME.c becomes $(B)/tests/cli/test-NAME (cmocka, linked with
# everything but host/main.o; extra link flags: TEST_LDFLAGS_NAME); the
# shell tests run the built binaries.
CLI_TESTS := $(patsubst tests/cli/test_%.c,$(B)/tests/cli/test-%,$(sort $(wildcard tests/cli/test_*.c)))
TESTS += $(CLI_TESTS)

$(B)/tests/cli/test-%: $(B)/tests/cli/test_%.o $(HOST_LIB_OBJS) $(SYSFS_OBJS) $(PARSE_LIB) $(LIB_A)
	$(CC) -o $@ $^ $(ALL_LDFLAGS) $(TEST_LDFLAGS_$*) $(HOST_LIBS) -lcmocka

# The rom tests record sysfs writes: a fixture's rom file must not be overwritten.
TEST_LDFLAGS_rom := -Wl,--wrap=gpupt_sysfs_write
# The vm tests let the ROM check read a fixture's rom file without writing to it,
# and make file writes and directory fsyncs fail on purpose.
TEST_LDFLAGS_vm := -Wl,--wrap=gpupt_sysfs_write,--wrap=gpupt_file_write_atomic,--wrap=fsync

# gpupt-bind on fixture roots built by tests/fixtures/pciroot.sh; the gpupt
# command line (global options, command table, help, exit statuses); gpupt
# rom and vm through the binary.
TEST_SCRIPTS += "sh tests/cli/test-binder.sh $(BINDER)" \
	"sh tests/cli/test-gpupt.sh $(B)/gpupt" \
	"sh tests/cli/test-vm-rom.sh $(B)/gpupt"
SHELL_SCRIPTS += tests/cli/test-binder.sh tests/cli/test-gpupt.sh tests/cli/test-vm-rom.sh \
	$(BINDER_ROOT_BUILDER) tests/fixtures/host/devroot.sh tests/fixtures/host/boot-root.sh \
	tests/fixtures/host/rom-images.sh
# Commands on a root whose proc/ and sys/ files report the kernel's sizes
# (pseudo_fixture.h): the trial's network rules read both.
TEST_LDFLAGS_pseudofiles := -Wl,--wrap=fstat
TEST_LDFLAGS_trial := -Wl,--wrap=fstat,--wrap=ioctl,--wrap=fstatvfs
TEST_LDFLAGS_trial_uefi := -Wl,--wrap=fstat,--wrap=fstatvfs
