# host/: the host tool `gpupt` (libpci, libkmod, libblkid).
HOST_SRCS := $(sort $(wildcard host/*.c))
HOST_OBJS := $(HOST_SRCS:%.c=$(B)/%.o)
HOST_LIB_OBJS := $(filter-out $(B)/host/main.o,$(HOST_OBJS))
HOST_LIBS = $(shell pkg-config --libs libpci libkmod blkid 2>/dev/null || echo -lpci -lkmod -lblkid)

ifneq ($(wildcard host/main.c),)
BINS += $(B)/gpupt
endif

$(B)/gpupt: $(HOST_OBJS) $(SYSFS_OBJS) $(PARSE_LIB)
	$(CC) -o $@ $^ $(ALL_LDFLAGS) $(HOST_LIBS)

# Every tests/test_host_NAME.c is a cmocka test linked with the host objects
# (not main.o).  Extra link flags for one test (e.g. -Wl,--wrap=fsync):
# TEST_HOST_LDFLAGS_NAME.
HOST_TEST_SRCS := $(sort $(wildcard tests/test_host_*.c))
HOST_TESTS := $(HOST_TEST_SRCS:tests/test_host_%.c=$(B)/tests/test-host-%)
TESTS += $(HOST_TESTS)

$(B)/tests/test-host-%: $(B)/tests/test_host_%.o $(HOST_LIB_OBJS) $(SYSFS_OBJS) $(PARSE_LIB)
	$(CC) -o $@ $^ $(ALL_LDFLAGS) $(TEST_HOST_LDFLAGS_$*) $(HOST_LIBS) -lcmocka

install-host: $(B)/gpupt
	install -D -m 0755 $(B)/gpupt $(DESTDIR)$(PREFIX)/sbin/gpupt
uninstall-host:
	rm -f $(DESTDIR)$(PREFIX)/sbin/gpupt
INSTALL_TARGETS += install-host
UNINSTALL_TARGETS += uninstall-host
.PHONY: install-host uninstall-host

# gpupt rom: the option ROM walker is pure and fuzzed.
FUZZERS += rom
FUZZ_SRCS += host/rom.c
SHELL_SCRIPTS += tests/fixtures/host/rom-images.sh

# gpupt enable/disable: the GRUB-file and /etc/kernel/cmdline editors are
# pure and fuzzed (edit then revert gives the original bytes back); the
# atomic layer is tested with write/fsync/renameat failing in turn.
FUZZERS += grubedit
FUZZ_SRCS += host/grubedit.c host/kcmdline.c
TEST_HOST_LDFLAGS_atomic := -Wl,--wrap=write,--wrap=fsync,--wrap=renameat
SHELL_SCRIPTS += tests/fixtures/host/boot-root.sh
# The rom tests record sysfs writes: a fixture's rom file must not be overwritten.
TEST_HOST_LDFLAGS_rom := -Wl,--wrap=gpupt_sysfs_write
# The vm tests let the ROM check read a fixture's rom file without writing to it.
TEST_HOST_LDFLAGS_vm := -Wl,--wrap=gpupt_sysfs_write
# gpupt vm: the Proxmox config editor is pure and fuzzed too.
FUZZERS += vmconf
FUZZ_SRCS += host/vmconf.c

# make bench: gpupt enable --dry-run on fixture roots (median wall time).
SHELL_SCRIPTS += tests/fixtures/host/boot-bench.sh
BENCH_TARGETS += bench-enable
bench-enable: $(B)/gpupt
	@sh tests/fixtures/host/boot-bench.sh $(B)/gpupt $(B)/bench-enable
.PHONY: bench-enable

# gpupt list benchmark (host/bench.mk).
include host/bench.mk
# gpupt rom and vm through the binary, on fixture roots.
TEST_SCRIPTS += "sh tests/fixtures/host/vm-rom-cli.sh $(B)/gpupt"
SHELL_SCRIPTS += tests/fixtures/host/vm-rom-cli.sh
# make bench: gpupt rom on a 16 MiB ROM, gpupt vm --dry-run on a fixture root.
SHELL_SCRIPTS += tests/fixtures/host/vm-rom-bench.sh
BENCH_TARGETS += bench-vm-rom
bench-vm-rom: $(B)/gpupt
	@sh tests/fixtures/host/vm-rom-bench.sh $(B)/gpupt $(B)/bench-vm-rom
.PHONY: bench-vm-rom
