# `make bench-host`: gpupt list against lspci -nnk on this machine.
bench-host: $(B)/gpupt
	@sh host/bench-list.sh $(B)/gpupt $(BENCH_HOST_RUNS) $(BENCH_HOST_BATCH)

BENCH_HOST_RUNS ?= 15
BENCH_HOST_BATCH ?= 20
BENCH_TARGETS += bench-host
SHELL_SCRIPTS += host/bench-list.sh tests/fixtures/host/devroot.sh
.PHONY: bench-host
