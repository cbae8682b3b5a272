# cmdline/: the kernel command-line parser and the value grammar it shares
# with conf/ (both built into $(PARSE_LIB) by the top Makefile).
TESTS += $(B)/tests/test-cmdline
FUZZERS += cmdline

$(B)/tests/test-cmdline: $(B)/tests/test_cmdline.o $(PARSE_LIB)
	$(CC) -o $@ $^ $(ALL_LDFLAGS) -lcmocka
