# tests/fuzz/: libFuzzer targets, one per pure parser or editor.  `make
# check` replays each saved corpus (tests/fuzz/corpus/NAME/) with a plain
# build; `make fuzz` runs them with libFuzzer (clang).
FUZZERS += cmdline conf rom grubedit vmconf pvemap trial
FUZZ_SRCS += $(HOST_FORMAT_SRCS)
