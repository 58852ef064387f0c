/* Unit tests for bst_parse_cookies (src/http). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/buf.h"
#include "http/parse.h"

static int parse(bst_arena *a, const char *s, bst_kvlist *l)
{
	return bst_parse_cookies(a, s, strlen(s), l);
}

static int setup(void **state)
{
	*state = bst_arena_new();
	return 0;
}

static int teardown(void **state)
{
	bst_arena_free(*state);
	return 0;
}

static void assert_rejected(bst_arena *a, const char *s)
{
	bst_kvlist l = {(bst_kv *)1, 99};
	assert_int_equal(parse(a, s, &l), BST_PARSE_MALFORMED);
	assert_null(l.items);
	assert_int_equal(l.n, 0);
}

static void test_cookie_parses_rfc6265_pairs(void **state)
{
	bst_kvlist l;
	assert_int_equal(parse(*state, "sid=abc123; theme=dark", &l), BST_PARSE_OK);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.items[0].key, "sid");
	assert_string_equal(l.items[0].value, "abc123");
	assert_int_equal(l.items[0].value_len, 6);
	assert_string_equal(bst_kv_get(&l, "theme"), "dark");
}

static void test_cookie_tolerates_missing_and_extra_spaces(void **state)
{
	bst_kvlist l;
	assert_int_equal(parse(*state, "a=1;b=2;   c=3 ; d=4", &l), BST_PARSE_OK);
	assert_int_equal(l.n, 4);
	assert_string_equal(bst_kv_get(&l, "c"), "3");
	assert_string_equal(bst_kv_get(&l, "d"), "4");
}

static void test_cookie_tolerates_trailing_semicolon(void **state)
{
	bst_kvlist l;
	assert_int_equal(parse(*state, "a=1; b=2;", &l), BST_PARSE_OK);
	assert_int_equal(l.n, 2);
	assert_int_equal(parse(*state, "a=1; ", &l), BST_PARSE_OK);
	assert_int_equal(l.n, 1);
}

static void test_cookie_skips_empty_pairs(void **state)
{
	bst_kvlist l;
	assert_int_equal(parse(*state, "a=1;; ;b=2", &l), BST_PARSE_OK);
	assert_int_equal(l.n, 2);
}

static void test_cookie_strips_double_quotes(void **state)
{
	bst_kvlist l;
	assert_int_equal(parse(*state, "a=\"quoted\"; b=\"\"", &l), BST_PARSE_OK);
	assert_string_equal(bst_kv_get(&l, "a"), "quoted");
	assert_int_equal(l.items[0].value_len, 6);
	assert_string_equal(bst_kv_get(&l, "b"), "");
}

static void test_cookie_empty_value_is_allowed(void **state)
{
	bst_kvlist l;
	assert_int_equal(parse(*state, "a=; b=x", &l), BST_PARSE_OK);
	assert_string_equal(bst_kv_get(&l, "a"), "");
	assert_int_equal(l.items[0].value_len, 0);
}

static void test_cookie_value_is_not_percent_decoded(void **state)
{
	bst_kvlist l;
	assert_int_equal(parse(*state, "a=x%20y%00", &l), BST_PARSE_OK);
	assert_string_equal(bst_kv_get(&l, "a"), "x%20y%00");
}

static void test_cookie_value_may_hold_equals_and_base64(void **state)
{
	bst_kvlist l;
	assert_int_equal(parse(*state, "t=YWJj+/d==", &l), BST_PARSE_OK);
	assert_string_equal(bst_kv_get(&l, "t"), "YWJj+/d==");
}

static void test_cookie_duplicate_name_first_wins(void **state)
{
	bst_kvlist l;
	assert_int_equal(parse(*state, "sid=first; sid=second", &l), BST_PARSE_OK);
	assert_int_equal(l.n, 2);
	assert_string_equal(bst_kv_get(&l, "sid"), "first");
}

static void test_cookie_names_are_tokens(void **state)
{
	bst_kvlist l;
	assert_int_equal(parse(*state, "__Host-sid=1; a.b_c!#$%&'*+-^`|~=2", &l),
	                 BST_PARSE_OK);
	assert_string_equal(bst_kv_get(&l, "__Host-sid"), "1");
	assert_rejected(*state, "a b=1");
	assert_rejected(*state, "a(b)=1");
	assert_rejected(*state, "a\"=1");
	assert_rejected(*state, "a/b=1");
}

static void test_cookie_empty_header_is_empty_list(void **state)
{
	bst_kvlist l = {(bst_kv *)1, 99};
	assert_int_equal(bst_parse_cookies(*state, NULL, 0, &l), BST_PARSE_OK);
	assert_int_equal(l.n, 0);
	assert_int_equal(parse(*state, " ; ", &l), BST_PARSE_OK);
	assert_int_equal(l.n, 0);
}

static void test_cookie_rejects_empty_name(void **state)
{
	assert_rejected(*state, "=value");
	assert_rejected(*state, "a=1; =2");
}

static void test_cookie_rejects_pair_without_equals(void **state)
{
	assert_rejected(*state, "flag");
	assert_rejected(*state, "a=1; flag");
}

static void test_cookie_rejects_control_characters(void **state)
{
	assert_rejected(*state, "a=1\x01");
	assert_rejected(*state, "a\x7f=1");
	assert_rejected(*state, "a=1;\tb=2");
	assert_rejected(*state, "a=1\r\nb=2");
	bst_kvlist l;
	assert_int_equal(bst_parse_cookies(*state, "a=b\0c", 5, &l), BST_PARSE_MALFORMED);
}

static void test_cookie_rejects_values_outside_cookie_octets(void **state)
{
	assert_rejected(*state, "a=b c");
	assert_rejected(*state, "a=b,c");
	assert_rejected(*state, "a=b\\c");
	assert_rejected(*state, "a=\xC3\xA9");
}

static void test_cookie_rejects_bad_quotes(void **state)
{
	assert_rejected(*state, "a=\"");
	assert_rejected(*state, "a=\"abc");
	assert_rejected(*state, "a=abc\"");
	assert_rejected(*state, "a=\"ab\"c\"");
	assert_rejected(*state, "a=\"x\"y");
	assert_rejected(*state, "a=\"x y\"");
}

static void build_cookies(bst_buf *b, int n)
{
	bst_buf_init(b);
	for (int i = 0; i < n; i++)
		bst_buf_printf(b, "%sc%d=v", i ? "; " : "", i);
}

static void test_cookie_accepts_max_cookies(void **state)
{
	bst_buf b;
	bst_kvlist l;
	build_cookies(&b, BST_PARSE_MAX_COOKIES);
	assert_int_equal(bst_parse_cookies(*state, b.data, b.len, &l), BST_PARSE_OK);
	assert_int_equal(l.n, BST_PARSE_MAX_COOKIES);
	bst_buf_free(&b);
}

static void test_cookie_too_many_is_too_large(void **state)
{
	bst_buf b;
	bst_kvlist l;
	build_cookies(&b, BST_PARSE_MAX_COOKIES + 1);
	assert_int_equal(bst_parse_cookies(*state, b.data, b.len, &l),
	                 BST_PARSE_TOO_LARGE);
	assert_int_equal(l.n, 0);
	assert_null(l.items);
	bst_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	    T(test_cookie_parses_rfc6265_pairs),
	    T(test_cookie_tolerates_missing_and_extra_spaces),
	    T(test_cookie_tolerates_trailing_semicolon),
	    T(test_cookie_skips_empty_pairs),
	    T(test_cookie_strips_double_quotes),
	    T(test_cookie_empty_value_is_allowed),
	    T(test_cookie_value_is_not_percent_decoded),
	    T(test_cookie_value_may_hold_equals_and_base64),
	    T(test_cookie_duplicate_name_first_wins),
	    T(test_cookie_names_are_tokens),
	    T(test_cookie_empty_header_is_empty_list),
	    T(test_cookie_rejects_empty_name),
	    T(test_cookie_rejects_pair_without_equals),
	    T(test_cookie_rejects_control_characters),
	    T(test_cookie_rejects_values_outside_cookie_octets),
	    T(test_cookie_rejects_bad_quotes),
	    T(test_cookie_accepts_max_cookies),
	    T(test_cookie_too_many_is_too_large),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
