# cmdline/: the kernel command-line parser and the value grammar it shares
# with conf/ (both built into $(PARSE_LIB) by the top Makefile).
TESTS += $(B)/tests/test-cmdline
FUZZERS += cmdline

$(B)/tests/test-cmdline: $(B)/tests/test_cmdline.o $(PARSE_LIB)
	$(CC) -o $@ $^ $(ALL_LDFLAGS) -lcmocka

# `make bench`: parse times, and the bytes the parsers add to a binary.
BENCH_TARGETS += bench-parse
$(B)/tests/bench-parse: $(B)/tests/bench_parse.o $(PARSE_LIB)
	$(CC) -o $@ $^ $(ALL_LDFLAGS)

bench-parse: $(B)/tests/bench-parse
	$(B)/tests/bench-parse
	@size $(PARSE_OBJS) | awk 'NR > 1 { t += $$1 } END { print "parsers: " t " bytes of code (" NR - 1 " objects)" }'
.PHONY: bench-parse
