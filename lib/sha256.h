/* SPDX-License-Identifier: MIT */
/*
 * SHA-256 (FIPS 180-4), to compare a file with the checksum sha256sum(1)
 * printed for it elsewhere (the initramfs hook's record of the binder).
 * Pure: no I/O, no allocation.
 */
#ifndef GPUPT_LIB_SHA256_H
#define GPUPT_LIB_SHA256_H

#include <stddef.h>
#include <stdint.h>

enum { GPUPT_SHA256_LEN = 32, GPUPT_SHA256_HEX = 2 * GPUPT_SHA256_LEN };

struct gpupt_sha256 {
	uint32_t h[8];
	uint64_t bytes;	   /* fed so far */
	uint8_t block[64]; /* the part of a block not yet compressed */
};

void gpupt_sha256_init(struct gpupt_sha256 *s);
void gpupt_sha256_update(struct gpupt_sha256 *s, const void *data, size_t len);
void gpupt_sha256_final(struct gpupt_sha256 *s, uint8_t out[GPUPT_SHA256_LEN]);

/* The digest of data as sha256sum prints it: 64 lower-case hex digits and a NUL. */
void gpupt_sha256_hex(const void *data, size_t len, char out[GPUPT_SHA256_HEX + 1]);

#endif
