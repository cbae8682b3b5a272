# tests/bench/: speed and size figures, printed and never asserted.
# `make bench` runs every target of BENCH_TARGETS.

# Parse times, and the bytes the parsers add to a binary.
$(B)/tests/bench/bench-parse: $(B)/tests/bench/bench_parse.o $(PARSE_LIB) $(LIB_A)
	$(CC) -o $@ $^ $(ALL_LDFLAGS)

bench-parse: $(B)/tests/bench/bench-parse
	$(B)/tests/bench/bench-parse
	@size $(PARSE_OBJS) | awk 'NR > 1 { t += $$1 } END { print "parsers: " t " bytes of code (" NR - 1 " objects)" }'

# The binder against a shell loop doing the same, on 512 fixture devices.
bench-binder: $(BINDER)
	sh tests/bench/bench-binder.sh $(BINDER) $(B)/bench-binder

# gpupt list against lspci -nnk on this machine.
BENCH_HOST_RUNS ?= 15
BENCH_HOST_BATCH ?= 20
bench-host: $(B)/gpupt
	@sh tests/bench/bench-list.sh $(B)/gpupt $(BENCH_HOST_RUNS) $(BENCH_HOST_BATCH)

# gpupt enable --dry-run on fixture roots (median wall time).
bench-enable: $(B)/gpupt
	@sh tests/bench/bench-enable.sh $(B)/gpupt $(B)/bench-enable

# gpupt rom on a 16 MiB ROM, gpupt vm --dry-run on a fixture root.
bench-vm-rom: $(B)/gpupt
	@sh tests/bench/bench-vm-rom.sh $(B)/gpupt $(B)/bench-vm-rom

BENCH_TARGETS += bench-parse bench-binder bench-host bench-enable bench-vm-rom
SHELL_SCRIPTS += $(wildcard tests/bench/*.sh)
.PHONY: bench-parse bench-binder bench-host bench-enable bench-vm-rom
