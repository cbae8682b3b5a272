# list/check/status: `make bench-host` times gpupt list against lspci -nnk
# on this machine; the command-line test runs in `make check`.
bench-host: $(B)/gpupt
	@sh host/bench-list.sh $(B)/gpupt $(BENCH_HOST_RUNS) $(BENCH_HOST_BATCH)

BENCH_HOST_RUNS ?= 15
BENCH_HOST_BATCH ?= 20
BENCH_TARGETS += bench-host
SHELL_SCRIPTS += host/bench-list.sh tests/fixtures/host/devroot.sh
.PHONY: bench-host

# The gpupt command line (global options, command table, help, exit statuses).
TEST_SCRIPTS += "sh tests/fixtures/host/devroot-cli.sh $(B)/gpupt"
SHELL_SCRIPTS += tests/fixtures/host/devroot-cli.sh
