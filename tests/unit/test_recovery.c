/* Unit tests for src/auth/recovery.c: recovery codes and their hashes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <string.h>

#include "auth/totp.h"
#include "core/crypto.h"

static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";

static int setup(void **state)
{
	(void)state;
	return bst_crypto_init();
}

/* "abcd-efgh-ijkl-mnop" with every symbol from the alphabet. */
static void assert_code_shape(const char *code)
{
	assert_int_equal(strlen(code), BST_RECOVERY_CHARS);
	for (size_t i = 0; i < BST_RECOVERY_CHARS; i++) {
		if (i % 5 == 4)
			assert_int_equal(code[i], '-');
		else
			assert_non_null(memchr(alphabet, code[i], sizeof alphabet - 1));
	}
}

static void test_recovery_codes_are_unique_and_hash_normalised(void **state)
{
	char codes[BST_RECOVERY_CODES][BST_RECOVERY_CHARS + 1];
	uint8_t hashes[BST_RECOVERY_CODES][BST_HASH_BYTES];
	bst_recovery_codes_new(codes, hashes);
	for (size_t i = 0; i < BST_RECOVERY_CODES; i++) {
		assert_code_shape(codes[i]);
		for (size_t j = 0; j < i; j++) {
			assert_string_not_equal(codes[i], codes[j]);
			assert_memory_not_equal(hashes[i], hashes[j], BST_HASH_BYTES);
		}

		/* What the database stores: the token hash of the bare symbols. */
		char bare[17];
		size_t n = 0;
		for (const char *p = codes[i]; *p; p++)
			if (*p != '-')
				bare[n++] = *p;
		bare[n] = '\0';
		uint8_t expect[BST_HASH_BYTES];
		bst_token_hash(bare, expect);
		assert_memory_equal(hashes[i], expect, BST_HASH_BYTES);

		/* Typed in capitals, with spaces instead of dashes: same hash. */
		char typed[64];
		size_t t = 0;
		for (const char *p = codes[i]; *p; p++)
			typed[t++] = *p == '-' ? ' ' : (char)toupper((unsigned char)*p);
		typed[t] = '\0';
		uint8_t got[BST_HASH_BYTES];
		assert_int_equal(bst_recovery_hash(typed, got), 0);
		assert_memory_equal(got, hashes[i], BST_HASH_BYTES);
		assert_int_equal(bst_recovery_hash(bare, got), 0);
		assert_memory_equal(got, hashes[i], BST_HASH_BYTES);
	}
}

static void test_recovery_codes_differ_between_calls(void **state)
{
	char a[BST_RECOVERY_CODES][BST_RECOVERY_CHARS + 1];
	char b[BST_RECOVERY_CODES][BST_RECOVERY_CHARS + 1];
	uint8_t ha[BST_RECOVERY_CODES][BST_HASH_BYTES];
	uint8_t hb[BST_RECOVERY_CODES][BST_HASH_BYTES];
	bst_recovery_codes_new(a, ha);
	bst_recovery_codes_new(b, hb);
	assert_memory_not_equal(a, b, sizeof a);
}

static void test_recovery_hash_refuses_wrong_length(void **state)
{
	uint8_t out[BST_HASH_BYTES];
	uint8_t zero[BST_HASH_BYTES] = {0};
	assert_int_equal(bst_recovery_hash("abcd-efgh-ijkl-mno", out), -1);
	assert_memory_equal(out, zero, sizeof out);
	assert_int_equal(bst_recovery_hash("abcd-efgh-ijkl-mnopq", out), -1);
	assert_int_equal(bst_recovery_hash("", out), -1);
	assert_int_equal(bst_recovery_hash("- - - -", out), -1);
	assert_int_equal(bst_recovery_hash(NULL, out), -1);
	assert_int_equal(bst_recovery_hash("abcd-efgh-ijkl-mnop", out), 0);
}

static void test_recovery_hash_refuses_symbols_outside_alphabet(void **state)
{
	uint8_t out[BST_HASH_BYTES];
	/* 0, 1, 8 and 9 are not in the RFC 4648 alphabet. */
	assert_int_equal(bst_recovery_hash("abcd-efgh-ijkl-mno0", out), -1);
	assert_int_equal(bst_recovery_hash("abcd-efgh-ijkl-mno1", out), -1);
	assert_int_equal(bst_recovery_hash("abcd-efgh-ijkl-mno8", out), -1);
	assert_int_equal(bst_recovery_hash("abcd-efgh-ijkl-mno9", out), -1);
	assert_int_equal(bst_recovery_hash("abcd_efgh_ijkl_mnop", out), -1);
	assert_int_equal(bst_recovery_hash("abcd-efgh-ijkl-mn\xC3\xA9", out), -1);
	assert_int_equal(bst_recovery_hash("abcd\tefgh-ijkl-mnop", out), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_recovery_codes_are_unique_and_hash_normalised),
	    cmocka_unit_test(test_recovery_codes_differ_between_calls),
	    cmocka_unit_test(test_recovery_hash_refuses_wrong_length),
	    cmocka_unit_test(test_recovery_hash_refuses_symbols_outside_alphabet),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
