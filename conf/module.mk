# conf/: the /etc/gpupt.conf parser, writer and the command-line merge.
TESTS += $(B)/tests/test-conf
FUZZERS += conf

$(B)/tests/test-conf: $(B)/tests/test_conf.o $(PARSE_LIB)
	$(CC) -o $@ $^ $(ALL_LDFLAGS) -lcmocka
