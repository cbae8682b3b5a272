/* SPDX-License-Identifier: MIT */
/*
 * What every fuzz target shares.  FUZZ_HARNESS marks the target's own
 * functions: libFuzzer does not trace their branches and comparisons.  The
 * checks a target runs on each input are not what is being explored, and
 * tracing every byte they look at cost as much as the parsing itself; the
 * code under test stays fully traced.  (The replay build, with any
 * compiler, ignores it.)
 */
#ifndef GPUPT_FUZZ_H
#define GPUPT_FUZZ_H

#include <stdint.h>
#include <stdlib.h>

#if defined(__clang__)
#define FUZZ_HARNESS __attribute__((no_sanitize("coverage")))
#else
#define FUZZ_HARNESS
#endif

#define FUZZ_CHECK(cond) do { if (!(cond)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
