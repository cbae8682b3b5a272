# tests/unit/: cmocka tests of one module each (parsers, sysfs helpers, lib/,
# the file-format editors), on buffers or on trees the test builds itself.
# Every tests/unit/test_NAME.c becomes $(B)/tests/unit/test-NAME, linked with
# everything but host/main.o; extra link flags: TEST_LDFLAGS_NAME.
UNIT_TESTS := $(patsubst tests/unit/test_%.c,$(B)/tests/unit/test-%,$(sort $(wildcard tests/unit/test_*.c)))
TESTS += $(UNIT_TESTS)

$(B)/tests/unit/test-%: $(B)/tests/unit/test_%.o $(HOST_LIB_OBJS) $(SYSFS_OBJS) $(PARSE_LIB) $(LIB_A)
	$(CC) -o $@ $^ $(ALL_LDFLAGS) $(TEST_LDFLAGS_$*) $(HOST_LIBS) -lcmocka

# lib/atomic.c and the backups, with write/fsync/renameat failing in turn.
TEST_LDFLAGS_atomic := -Wl,--wrap=write,--wrap=fsync,--wrap=renameat
# lib/path.c's reader on files whose fstat lies about the size, as procfs (0)
# and sysfs (4096) do.
TEST_LDFLAGS_path := -Wl,--wrap=fstat
