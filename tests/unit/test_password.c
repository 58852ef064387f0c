/* Unit tests for src/auth/password.c: the policy and Argon2id hashing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <string.h>
#include <time.h>

#include "auth/password.h"
#include "core/crypto.h"

static int setup(void **state)
{
	(void)state;
	return bst_crypto_init();
}

static void test_password_accepts_twelve_characters(void **state)
{
	assert_int_equal(bst_password_check("abcdefghijkl", NULL), BST_PASSWORD_OK);
}

static void test_password_refuses_eleven_characters(void **state)
{
	assert_int_equal(bst_password_check("abcdefghijk", NULL), BST_PASSWORD_TOO_SHORT);
	assert_int_equal(bst_password_check("", NULL), BST_PASSWORD_TOO_SHORT);
}

static void test_password_counts_code_points_not_bytes(void **state)
{
	/* 11 × "é" is 22 bytes but 11 characters. */
	char pw[64] = "";
	for (int i = 0; i < 11; i++)
		strcat(pw, "\xC3\xA9");
	assert_int_equal(bst_password_check(pw, NULL), BST_PASSWORD_TOO_SHORT);
	strcat(pw, "\xC3\xA9");
	assert_int_equal(bst_password_check(pw, NULL), BST_PASSWORD_OK);
	/* Four-byte code points (emoji) count as one each. */
	char emoji[64] = "";
	for (int i = 0; i < 11; i++)
		strcat(emoji, "\xF0\x9F\x94\x91");
	assert_int_equal(bst_password_check(emoji, NULL), BST_PASSWORD_TOO_SHORT);
	strcat(emoji, "\xF0\x9F\x94\x91");
	assert_int_equal(bst_password_check(emoji, NULL), BST_PASSWORD_OK);
}

static void test_password_refuses_invalid_utf8(void **state)
{
	static const char *bad[] = {
	    "abcdefghijkl\xC3",             /* truncated at the end */
	    "abcdefghijkl\xC3(",            /* bad continuation */
	    "abcdefghijkl\xC0\xAF",         /* overlong '/' */
	    "abcdefghijkl\xE0\x80\xAF",     /* overlong, three bytes */
	    "abcdefghijkl\xED\xA0\x80",     /* UTF-16 surrogate */
	    "abcdefghijkl\xF4\x90\x80\x80", /* above U+10FFFF */
	    "abcdefghijkl\x80",             /* lone continuation byte */
	    "abcdefghijkl\xFF",             /* never valid */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(bst_password_check(bad[i], NULL), BST_PASSWORD_INVALID);
	assert_int_equal(bst_password_check(NULL, NULL), BST_PASSWORD_INVALID);
}

static void test_password_refuses_control_characters(void **state)
{
	assert_int_equal(bst_password_check("abcdef\tghijkl", NULL),
	                 BST_PASSWORD_INVALID);
	assert_int_equal(bst_password_check("abcdef\nghijkl", NULL),
	                 BST_PASSWORD_INVALID);
	assert_int_equal(bst_password_check("abcdef\x7Fghijkl", NULL),
	                 BST_PASSWORD_INVALID);
	/* U+0085 NEXT LINE, a C1 control */
	assert_int_equal(bst_password_check("abcdef\xC2\x85ghijkl", NULL),
	                 BST_PASSWORD_INVALID);
	/* Spaces are characters like any other. */
	assert_int_equal(bst_password_check("correct horse battery", NULL),
	                 BST_PASSWORD_OK);
}

static void test_password_refuses_more_than_max_bytes(void **state)
{
	char pw[BST_PASSWORD_MAX_BYTES + 2];
	memset(pw, 'a', BST_PASSWORD_MAX_BYTES);
	pw[BST_PASSWORD_MAX_BYTES] = '\0';
	assert_int_equal(bst_password_check(pw, NULL), BST_PASSWORD_OK);
	pw[BST_PASSWORD_MAX_BYTES] = 'a';
	pw[BST_PASSWORD_MAX_BYTES + 1] = '\0';
	assert_int_equal(bst_password_check(pw, NULL), BST_PASSWORD_TOO_LONG);
}

static void test_password_refuses_email_local_part(void **state)
{
	const char *email = "Alice.Martin@example.org";
	assert_int_equal(bst_password_check("alice.martin", email),
	                 BST_PASSWORD_CONTAINS_EMAIL);
	assert_int_equal(bst_password_check("ALICE.MARTIN", email),
	                 BST_PASSWORD_CONTAINS_EMAIL);
	assert_int_equal(bst_password_check("my alice.martin 2024!", email),
	                 BST_PASSWORD_CONTAINS_EMAIL);
	assert_int_equal(bst_password_check("xyzzy-plugh-quux", email), BST_PASSWORD_OK);
	/* The domain is not the local part. */
	assert_int_equal(bst_password_check("example.org-rules", email), BST_PASSWORD_OK);
}

static void test_password_ignores_local_part_shorter_than_three(void **state)
{
	assert_int_equal(bst_password_check("totally-alright-pass", "al@example.org"),
	                 BST_PASSWORD_OK);
	assert_int_equal(bst_password_check("a-bob-is-in-here", "bob@example.org"),
	                 BST_PASSWORD_CONTAINS_EMAIL);
}

static void test_password_uses_text_before_last_at(void **state)
{
	const char *email = "first@second@example.org";
	assert_int_equal(bst_password_check("xxfirst@secondxx", email),
	                 BST_PASSWORD_CONTAINS_EMAIL);
	assert_int_equal(bst_password_check("second-place-only", email), BST_PASSWORD_OK);
}

static void test_password_verdict_texts_are_distinct(void **state)
{
	enum bst_password_verdict all[] = {
	    BST_PASSWORD_OK,       BST_PASSWORD_TOO_SHORT,
	    BST_PASSWORD_TOO_LONG, BST_PASSWORD_CONTAINS_EMAIL,
	    BST_PASSWORD_INVALID,
	};
	size_t n = sizeof all / sizeof all[0];
	for (size_t i = 0; i < n; i++) {
		const char *t = bst_password_verdict_text(all[i]);
		assert_non_null(t);
		assert_true(strlen(t) > 0);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(t, bst_password_verdict_text(all[j]));
	}
	assert_non_null(strstr(bst_password_verdict_text(BST_PASSWORD_TOO_SHORT), "12"));
}

static void test_password_hash_verifies_and_rejects_wrong(void **state)
{
	char hash[BST_PASSWORD_HASH_BYTES];
	assert_int_equal(bst_password_hash("correct horse battery", hash), 0);
	assert_true(bst_password_verify(hash, "correct horse battery"));
	assert_false(bst_password_verify(hash, "correct horse batterY"));
	assert_false(bst_password_verify(hash, ""));
	/* Salted: the same password hashes differently each time. */
	char again[BST_PASSWORD_HASH_BYTES];
	assert_int_equal(bst_password_hash("correct horse battery", again), 0);
	assert_string_not_equal(hash, again);
	assert_true(bst_password_verify(again, "correct horse battery"));
}

static void test_password_hash_uses_owasp_argon2id_parameters(void **state)
{
	char hash[BST_PASSWORD_HASH_BYTES];
	assert_int_equal(bst_password_hash("correct horse battery", hash), 0);
	/* m = 19 MiB = 19456 KiB, t = 2, p = 1 */
	const char prefix[] = "$argon2id$v=19$m=19456,t=2,p=1$";
	assert_memory_equal(hash, prefix, sizeof prefix - 1);
	assert_false(bst_password_needs_rehash(hash));
}

static void test_password_verify_rejects_malformed_hash(void **state)
{
	assert_false(bst_password_verify("", "correct horse battery"));
	assert_false(
	    bst_password_verify("$argon2id$v=19$garbage", "correct horse battery"));
	assert_false(bst_password_verify(NULL, "correct horse battery"));
	char unterminated[BST_PASSWORD_HASH_BYTES];
	memset(unterminated, 'x', sizeof unterminated);
	assert_false(bst_password_verify(unterminated, "correct horse battery"));
	assert_true(bst_password_needs_rehash("not a hash"));
}

static void test_password_refuses_to_hash_more_than_max_bytes(void **state)
{
	char pw[BST_PASSWORD_MAX_BYTES + 2];
	memset(pw, 'a', sizeof pw - 1);
	pw[sizeof pw - 1] = '\0';
	char hash[BST_PASSWORD_HASH_BYTES];
	assert_int_equal(bst_password_hash(pw, hash), -1);
	assert_string_equal(hash, "");
}

static void test_password_needs_rehash_for_weaker_params(void **state)
{
	char weak[crypto_pwhash_STRBYTES];
	const char *pw = "correct horse battery";
	assert_int_equal(crypto_pwhash_str_alg(
	                     weak, pw, strlen(pw), crypto_pwhash_OPSLIMIT_MIN,
	                     crypto_pwhash_MEMLIMIT_MIN, crypto_pwhash_ALG_ARGON2ID13),
	                 0);
	assert_true(bst_password_verify(weak, pw));
	assert_true(bst_password_needs_rehash(weak));
	/* Argon2i, the older variant, is replaced as well. */
	assert_int_equal(crypto_pwhash_str_alg(weak, pw, strlen(pw), 3,
	                                       crypto_pwhash_MEMLIMIT_MIN,
	                                       crypto_pwhash_ALG_ARGON2I13),
	                 0);
	assert_true(bst_password_needs_rehash(weak));
}

static double seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_password_verify_dummy_costs_like_a_verification(void **state)
{
	char hash[BST_PASSWORD_HASH_BYTES];
	assert_int_equal(bst_password_hash("correct horse battery", hash), 0);
	bst_password_verify_dummy("warm up"); /* computes the dummy hash once */
	double real = 1e9, dummy = 1e9;
	for (int i = 0; i < 3; i++) {
		double t0 = seconds();
		(void)bst_password_verify(hash, "wrong password here");
		double t1 = seconds();
		bst_password_verify_dummy("wrong password here");
		double t2 = seconds();
		real = t1 - t0 < real ? t1 - t0 : real;
		dummy = t2 - t1 < dummy ? t2 - t1 : dummy;
	}
	/* Loose bound: catches a dummy that skips Argon2, not jitter. */
	assert_true(dummy * 4 >= real);
	assert_true(real * 4 >= dummy);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_password_accepts_twelve_characters),
	    cmocka_unit_test(test_password_refuses_eleven_characters),
	    cmocka_unit_test(test_password_counts_code_points_not_bytes),
	    cmocka_unit_test(test_password_refuses_invalid_utf8),
	    cmocka_unit_test(test_password_refuses_control_characters),
	    cmocka_unit_test(test_password_refuses_more_than_max_bytes),
	    cmocka_unit_test(test_password_refuses_email_local_part),
	    cmocka_unit_test(test_password_ignores_local_part_shorter_than_three),
	    cmocka_unit_test(test_password_uses_text_before_last_at),
	    cmocka_unit_test(test_password_verdict_texts_are_distinct),
	    cmocka_unit_test(test_password_hash_verifies_and_rejects_wrong),
	    cmocka_unit_test(test_password_hash_uses_owasp_argon2id_parameters),
	    cmocka_unit_test(test_password_verify_rejects_malformed_hash),
	    cmocka_unit_test(test_password_refuses_to_hash_more_than_max_bytes),
	    cmocka_unit_test(test_password_needs_rehash_for_weaker_params),
	    cmocka_unit_test(test_password_verify_dummy_costs_like_a_verification),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
