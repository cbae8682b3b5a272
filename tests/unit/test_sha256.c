// SPDX-License-Identifier: MIT
/* lib/sha256.c against the FIPS 180-4 examples and sha256sum(1), whole and in pieces. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/run.h"
#include "lib/sha256.h"

static void test_known_digests(void **state)
{
	char hex[GPUPT_SHA256_HEX + 1];

	(void)state;
	gpupt_sha256_hex("", 0, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	gpupt_sha256_hex("abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	gpupt_sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, hex);
	assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

/* A million 'a', fed in uneven pieces: the block boundary falls everywhere. */
static void test_pieces(void **state)
{
	static char a[1000];
	struct gpupt_sha256 s;
	uint8_t d[GPUPT_SHA256_LEN];
	size_t left = 1000000, piece = 1;

	(void)state;
	memset(a, 'a', sizeof(a));
	gpupt_sha256_init(&s);
	while (left) {
		size_t n = piece < left ? piece : left;
		gpupt_sha256_update(&s, a, n);
		left -= n;
		piece = piece % 977 + 13; /* at most 989 bytes of a */
	}
	gpupt_sha256_final(&s, d);
	assert_int_equal(d[0], 0xcd);
	assert_int_equal(d[1], 0xc7);
	assert_int_equal(d[2], 0x6e);
	assert_int_equal(d[31], 0xd0);
}

/* Every length around the padding's edges (55, 56, 63, 64 bytes ...), as sha256sum says. */
static void test_lengths_match_sha256sum(void **state)
{
	char data[160], hex[GPUPT_SHA256_HEX + 1], out[128], script[64];

	(void)state;
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (char)('A' + i % 26);
	data[sizeof(data) - 1] = '\0';
	for (size_t len = 50; len <= 130; len++) {
		/* "$0" of sh -c is the next argument: the data, whole. */
		const char *argv[] = { "sh", "-c", script, data, NULL };

		snprintf(script, sizeof(script), "printf '%%.%zus' \"$0\" | sha256sum", len);
		assert_int_equal(gpupt_run_capture(argv, out, sizeof(out)), 0);
		gpupt_sha256_hex(data, len, hex);
		assert_memory_equal(out, hex, GPUPT_SHA256_HEX);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_digests),
		cmocka_unit_test(test_pieces),
		cmocka_unit_test(test_lengths_match_sha256sum),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
