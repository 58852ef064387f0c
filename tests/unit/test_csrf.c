/* Unit tests for src/auth/csrf.c: synchronizer tokens bound to a session
 * (or pre-session cookie) under the platform key, and the Origin /
 * Sec-Fetch-Site check. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "auth/csrf.h"
#include "core/crypto.h"

#define ORIGIN "http://demo.localhost:8080"

static const char b64url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

struct fx {
	uint8_t key[BST_KEY_BYTES];
	char binding[BST_TOKEN_CHARS + 1];
};

static struct fx fx;

static int setup(void **state)
{
	(void)state;
	if (bst_crypto_init() != 0)
		return -1;
	bst_random(fx.key, sizeof fx.key);
	bst_token_new(fx.binding); /* a pre-session cookie value */
	return 0;
}

static void test_csrf_token_is_43_base64url_chars_and_stable(void **state)
{
	char a[BST_TOKEN_CHARS + 1], b[BST_TOKEN_CHARS + 1];
	bst_csrf_token(fx.key, fx.binding, a);
	bst_csrf_token(fx.key, fx.binding, b);
	assert_int_equal(strlen(a), BST_TOKEN_CHARS);
	assert_int_equal(strspn(a, b64url_alphabet), BST_TOKEN_CHARS);
	/* nothing stored: the same inputs give the same token */
	assert_string_equal(a, b);
	/* the token is not the binding */
	assert_string_not_equal(a, fx.binding);
}

static void test_csrf_token_valid_for_its_binding(void **state)
{
	char t[BST_TOKEN_CHARS + 1];
	bst_csrf_token(fx.key, fx.binding, t);
	assert_true(bst_csrf_valid(fx.key, fx.binding, t));

	/* a session binding: the hex hash of the session token */
	char hash_hex[2 * BST_HASH_BYTES + 1];
	uint8_t h[BST_HASH_BYTES];
	bst_token_hash(fx.binding, h);
	bst_hex(h, sizeof h, hash_hex);
	bst_csrf_token(fx.key, hash_hex, t);
	assert_true(bst_csrf_valid(fx.key, hash_hex, t));
}

static void test_csrf_token_refused_for_another_session(void **state)
{
	char other[BST_TOKEN_CHARS + 1];
	bst_token_new(other);
	char t[BST_TOKEN_CHARS + 1];
	bst_csrf_token(fx.key, fx.binding, t);
	assert_false(bst_csrf_valid(fx.key, other, t));

	/* and the other session's token is refused for ours */
	char t2[BST_TOKEN_CHARS + 1];
	bst_csrf_token(fx.key, other, t2);
	assert_string_not_equal(t, t2);
	assert_false(bst_csrf_valid(fx.key, fx.binding, t2));

	/* a binding that only differs by a prefix or a suffix */
	char longer[BST_TOKEN_CHARS + 2];
	memcpy(longer, fx.binding, BST_TOKEN_CHARS);
	memcpy(longer + BST_TOKEN_CHARS, "x", 2);
	assert_false(bst_csrf_valid(fx.key, longer, t));
	char shorter[BST_TOKEN_CHARS + 1];
	memcpy(shorter, fx.binding, sizeof shorter);
	shorter[BST_TOKEN_CHARS - 1] = '\0';
	assert_false(bst_csrf_valid(fx.key, shorter, t));
}

static void test_csrf_token_refused_under_another_platform_key(void **state)
{
	uint8_t other[BST_KEY_BYTES];
	bst_random(other, sizeof other);
	char t[BST_TOKEN_CHARS + 1];
	bst_csrf_token(fx.key, fx.binding, t);
	assert_false(bst_csrf_valid(other, fx.binding, t));
	char t2[BST_TOKEN_CHARS + 1];
	bst_csrf_token(other, fx.binding, t2);
	assert_string_not_equal(t, t2);
}

static void test_csrf_refused_without_binding_or_token(void **state)
{
	char t[BST_TOKEN_CHARS + 1];
	bst_csrf_token(fx.key, fx.binding, t);
	assert_false(bst_csrf_valid(fx.key, fx.binding, NULL));
	assert_false(bst_csrf_valid(fx.key, fx.binding, ""));
	assert_false(bst_csrf_valid(fx.key, NULL, t));
	assert_false(bst_csrf_valid(fx.key, "", t));

	/* even a token computed for the empty binding does not pass */
	char empty[BST_TOKEN_CHARS + 1];
	bst_csrf_token(fx.key, "", empty);
	assert_false(bst_csrf_valid(fx.key, "", empty));
	assert_false(bst_csrf_valid(fx.key, NULL, empty));
}

static void test_csrf_token_of_wrong_length_refused(void **state)
{
	char t[BST_TOKEN_CHARS + 1];
	bst_csrf_token(fx.key, fx.binding, t);
	char cut[BST_TOKEN_CHARS + 1];
	memcpy(cut, t, sizeof cut);
	cut[BST_TOKEN_CHARS - 1] = '\0';
	assert_false(bst_csrf_valid(fx.key, fx.binding, cut));
	char longer[BST_TOKEN_CHARS + 2];
	memcpy(longer, t, BST_TOKEN_CHARS);
	memcpy(longer + BST_TOKEN_CHARS, "A", 2);
	assert_false(bst_csrf_valid(fx.key, fx.binding, longer));
	/* base64 padding is not tolerated either */
	memcpy(longer + BST_TOKEN_CHARS, "=", 2);
	assert_false(bst_csrf_valid(fx.key, fx.binding, longer));
}

static void test_csrf_token_with_one_flipped_char_refused(void **state)
{
	char t[BST_TOKEN_CHARS + 1];
	bst_csrf_token(fx.key, fx.binding, t);
	for (size_t i = 0; i < BST_TOKEN_CHARS; i++) {
		char saved = t[i];
		t[i] = saved == 'A' ? 'B' : 'A';
		assert_false(bst_csrf_valid(fx.key, fx.binding, t));
		t[i] = saved;
	}
	assert_true(bst_csrf_valid(fx.key, fx.binding, t));
}

static void test_csrf_origin_same_origin_accepted(void **state)
{
	assert_true(bst_csrf_origin_ok(ORIGIN, NULL, ORIGIN));
	assert_true(bst_csrf_origin_ok(ORIGIN, "same-origin", ORIGIN));
}

static void test_csrf_origin_foreign_origin_refused(void **state)
{
	assert_false(bst_csrf_origin_ok("http://evil.example", NULL, ORIGIN));
	/* same host, other scheme or port: another origin */
	assert_false(bst_csrf_origin_ok("https://demo.localhost:8080", NULL, ORIGIN));
	assert_false(bst_csrf_origin_ok("http://demo.localhost:8081", NULL, ORIGIN));
	assert_false(bst_csrf_origin_ok("http://demo.localhost", NULL, ORIGIN));
	/* a sibling of the same site */
	assert_false(bst_csrf_origin_ok("http://acme.localhost:8080", NULL, ORIGIN));
	/* prefix and suffix tricks */
	assert_false(bst_csrf_origin_ok(ORIGIN ".evil.example", NULL, ORIGIN));
	assert_false(bst_csrf_origin_ok("http://demo.localhost:808", NULL, ORIGIN));
	/* opaque origins (sandboxed frames, file:) */
	assert_false(bst_csrf_origin_ok("null", NULL, ORIGIN));
	assert_false(bst_csrf_origin_ok("", NULL, ORIGIN));
	/* a foreign origin is refused even if Sec-Fetch-Site claims otherwise */
	assert_false(bst_csrf_origin_ok("http://evil.example", "same-origin", ORIGIN));
}

static void test_csrf_origin_cross_site_fetch_refused(void **state)
{
	assert_false(bst_csrf_origin_ok(NULL, "cross-site", ORIGIN));
	assert_false(bst_csrf_origin_ok(ORIGIN, "cross-site", ORIGIN));
}

static void test_csrf_origin_same_site_fetch_refused(void **state)
{
	/* same-site covers sibling subdomains: another platform of this host */
	assert_false(bst_csrf_origin_ok(NULL, "same-site", ORIGIN));
	assert_false(bst_csrf_origin_ok(ORIGIN, "same-site", ORIGIN));
}

static void test_csrf_origin_none_and_same_origin_fetch_accepted(void **state)
{
	assert_true(bst_csrf_origin_ok(NULL, "none", ORIGIN));
	assert_true(bst_csrf_origin_ok(NULL, "same-origin", ORIGIN));
	assert_true(bst_csrf_origin_ok(ORIGIN, "none", ORIGIN));
}

static void test_csrf_origin_unknown_fetch_site_value_refused(void **state)
{
	assert_false(bst_csrf_origin_ok(NULL, "", ORIGIN));
	assert_false(bst_csrf_origin_ok(NULL, "Same-Origin", ORIGIN));
	assert_false(bst_csrf_origin_ok(NULL, "same-origin ", ORIGIN));
	assert_false(bst_csrf_origin_ok(NULL, "whatever", ORIGIN));
}

static void test_csrf_origin_absent_headers_accepted(void **state)
{
	/* old clients and scripts: the token still guards them */
	assert_true(bst_csrf_origin_ok(NULL, NULL, ORIGIN));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_csrf_token_is_43_base64url_chars_and_stable),
	    cmocka_unit_test(test_csrf_token_valid_for_its_binding),
	    cmocka_unit_test(test_csrf_token_refused_for_another_session),
	    cmocka_unit_test(test_csrf_token_refused_under_another_platform_key),
	    cmocka_unit_test(test_csrf_refused_without_binding_or_token),
	    cmocka_unit_test(test_csrf_token_of_wrong_length_refused),
	    cmocka_unit_test(test_csrf_token_with_one_flipped_char_refused),
	    cmocka_unit_test(test_csrf_origin_same_origin_accepted),
	    cmocka_unit_test(test_csrf_origin_foreign_origin_refused),
	    cmocka_unit_test(test_csrf_origin_cross_site_fetch_refused),
	    cmocka_unit_test(test_csrf_origin_same_site_fetch_refused),
	    cmocka_unit_test(test_csrf_origin_none_and_same_origin_fetch_accepted),
	    cmocka_unit_test(test_csrf_origin_unknown_fetch_site_value_refused),
	    cmocka_unit_test(test_csrf_origin_absent_headers_accepted),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
