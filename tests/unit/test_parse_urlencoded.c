/* Unit tests for bst_parse_urlencoded and bst_kv_get (src/http). */
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
	return bst_parse_urlencoded(a, s, strlen(s), l);
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

static void test_urlencoded_parses_pairs_in_order(void **state)
{
	bst_kvlist l;
	assert_int_equal(parse(*state, "a=1&b=two&c=3", &l), BST_PARSE_OK);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.items[0].key, "a");
	assert_string_equal(l.items[0].value, "1");
	assert_string_equal(l.items[1].key, "b");
	assert_string_equal(l.items[1].value, "two");
	assert_int_equal(l.items[1].value_len, 3);
	assert_string_equal(bst_kv_get(&l, "c"), "3");
	assert_null(bst_kv_get(&l, "d"));
}

static void test_urlencoded_plus_is_space(void **state)
{
	bst_kvlist l;
	assert_int_equal(parse(*state, "q=hello+world+&x+y=1", &l), BST_PARSE_OK);
	assert_string_equal(bst_kv_get(&l, "q"), "hello world ");
	assert_string_equal(bst_kv_get(&l, "x y"), "1");
}

static void test_urlencoded_decodes_hex_either_case(void **state)
{
	bst_kvlist l;
	assert_int_equal(parse(*state, "p=%2f%2F%2B&e=%c3%A9t%C3%a9", &l), BST_PARSE_OK);
	assert_string_equal(bst_kv_get(&l, "p"), "//+");
	assert_string_equal(bst_kv_get(&l, "e"), "\xC3\xA9t\xC3\xA9");
	assert_int_equal(l.items[1].value_len, 5);
}

static void test_urlencoded_decodes_keys(void **state)
{
	bst_kvlist l;
	assert_int_equal(parse(*state, "a%5Bb%5D=1", &l), BST_PARSE_OK);
	assert_string_equal(l.items[0].key, "a[b]");
}

static void test_urlencoded_empty_value_and_pair_without_equals(void **state)
{
	bst_kvlist l;
	assert_int_equal(parse(*state, "a=&b&c=", &l), BST_PARSE_OK);
	assert_int_equal(l.n, 3);
	for (size_t i = 0; i < 3; i++) {
		assert_string_equal(l.items[i].value, "");
		assert_int_equal(l.items[i].value_len, 0);
	}
	assert_string_equal(l.items[1].key, "b");
}

static void test_urlencoded_value_keeps_later_equals(void **state)
{
	bst_kvlist l;
	assert_int_equal(parse(*state, "t=a=b==", &l), BST_PARSE_OK);
	assert_string_equal(bst_kv_get(&l, "t"), "a=b==");
}

static void test_urlencoded_skips_empty_pairs(void **state)
{
	bst_kvlist l;
	assert_int_equal(parse(*state, "&a=1&&b=2&", &l), BST_PARSE_OK);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.items[0].key, "a");
	assert_string_equal(l.items[1].key, "b");
}

static void test_urlencoded_empty_input_is_empty_list(void **state)
{
	bst_kvlist l = {(bst_kv *)1, 99};
	assert_int_equal(bst_parse_urlencoded(*state, NULL, 0, &l), BST_PARSE_OK);
	assert_int_equal(l.n, 0);
	assert_int_equal(parse(*state, "&&&", &l), BST_PARSE_OK);
	assert_int_equal(l.n, 0);
	assert_null(bst_kv_get(&l, "a"));
}

static void test_urlencoded_repeated_keys_kept_first_wins(void **state)
{
	bst_kvlist l;
	assert_int_equal(parse(*state, "tag=a&tag=b", &l), BST_PARSE_OK);
	assert_int_equal(l.n, 2);
	assert_string_equal(bst_kv_get(&l, "tag"), "a");
	assert_string_equal(l.items[1].value, "b");
}

static void test_urlencoded_value_len_counts_decoded_bytes(void **state)
{
	bst_kvlist l;
	assert_int_equal(parse(*state, "v=%41%42+c", &l), BST_PARSE_OK);
	assert_int_equal(l.items[0].value_len, 4);
}

static void test_urlencoded_rejects_empty_key(void **state)
{
	assert_rejected(*state, "=x");
	assert_rejected(*state, "a=1&=");
}

static void test_urlencoded_rejects_bad_escapes(void **state)
{
	assert_rejected(*state, "a=%");
	assert_rejected(*state, "a=%4");
	assert_rejected(*state, "a=%zz");
	assert_rejected(*state, "a=%g1");
	assert_rejected(*state, "a=%+1");
	assert_rejected(*state, "%=1");
	assert_rejected(*state, "a=1%2");
}

static void test_urlencoded_rejects_percent_00(void **state)
{
	assert_rejected(*state, "a=%00");
	assert_rejected(*state, "a%00b=1");
}

static void test_urlencoded_rejects_raw_nul(void **state)
{
	bst_kvlist l;
	assert_int_equal(bst_parse_urlencoded(*state, "a=b\0c", 5, &l),
	                 BST_PARSE_MALFORMED);
	assert_int_equal(l.n, 0);
}

static void test_urlencoded_rejects_overlong_utf8(void **state)
{
	assert_rejected(*state, "a=%C0%AF"); /* '/' in two bytes */
	assert_rejected(*state, "a=%C1%BF");
	assert_rejected(*state, "a=%E0%80%AF");    /* '/' in three bytes */
	assert_rejected(*state, "a=%F0%80%80%AF"); /* '/' in four bytes */
	assert_rejected(*state, "a=%C0%80");       /* "modified UTF-8" NUL */
}

static void test_urlencoded_rejects_surrogates(void **state)
{
	assert_rejected(*state, "a=%ED%A0%80");          /* U+D800 */
	assert_rejected(*state, "a=%ED%BF%BF");          /* U+DFFF */
	assert_rejected(*state, "a=%ED%A0%BD%ED%B8%80"); /* CESU-8 pair */
}

static void test_urlencoded_rejects_other_invalid_utf8(void **state)
{
	assert_rejected(*state, "a=%80");          /* lone continuation */
	assert_rejected(*state, "a=%E2%82");       /* truncated */
	assert_rejected(*state, "a=%E2%82x");      /* bad continuation */
	assert_rejected(*state, "a=%F4%90%80%80"); /* above U+10FFFF */
	assert_rejected(*state, "a=%FF");
	assert_rejected(*state, "a=\xC3"); /* raw and truncated */
}

static void test_urlencoded_accepts_utf8_edges(void **state)
{
	bst_kvlist l;
	assert_int_equal(
	    parse(*state, "a=%F0%9F%98%80&b=%F4%8F%BF%BF&c=%EE%80%80&d=\xE2\x82\xAC", &l),
	    BST_PARSE_OK);
	assert_string_equal(bst_kv_get(&l, "a"), "\xF0\x9F\x98\x80");
	assert_string_equal(bst_kv_get(&l, "d"), "\xE2\x82\xAC");
}

static void build_fields(bst_buf *b, int n)
{
	bst_buf_init(b);
	for (int i = 0; i < n; i++)
		bst_buf_printf(b, "%sk%d=v", i ? "&" : "", i);
}

static void test_urlencoded_accepts_max_fields(void **state)
{
	bst_buf b;
	bst_kvlist l;
	build_fields(&b, BST_PARSE_MAX_FIELDS);
	assert_int_equal(bst_parse_urlencoded(*state, b.data, b.len, &l), BST_PARSE_OK);
	assert_int_equal(l.n, BST_PARSE_MAX_FIELDS);
	bst_buf_free(&b);
}

static void test_urlencoded_too_many_fields_is_too_large(void **state)
{
	bst_buf b;
	bst_kvlist l;
	build_fields(&b, BST_PARSE_MAX_FIELDS + 1);
	assert_int_equal(bst_parse_urlencoded(*state, b.data, b.len, &l),
	                 BST_PARSE_TOO_LARGE);
	assert_int_equal(l.n, 0);
	assert_null(l.items);
	bst_buf_free(&b);
}

static void test_urlencoded_empty_pairs_do_not_count_towards_limit(void **state)
{
	bst_buf b;
	bst_kvlist l;
	build_fields(&b, BST_PARSE_MAX_FIELDS);
	bst_buf_puts(&b, "&&&&&&&&&&");
	assert_int_equal(bst_parse_urlencoded(*state, b.data, b.len, &l), BST_PARSE_OK);
	bst_buf_free(&b);
}

static void test_kv_get_handles_null_list(void **state)
{
	assert_null(bst_kv_get(NULL, "a"));
	bst_kvlist l = {0};
	assert_null(bst_kv_get(&l, "a"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	    T(test_urlencoded_parses_pairs_in_order),
	    T(test_urlencoded_plus_is_space),
	    T(test_urlencoded_decodes_hex_either_case),
	    T(test_urlencoded_decodes_keys),
	    T(test_urlencoded_empty_value_and_pair_without_equals),
	    T(test_urlencoded_value_keeps_later_equals),
	    T(test_urlencoded_skips_empty_pairs),
	    T(test_urlencoded_empty_input_is_empty_list),
	    T(test_urlencoded_repeated_keys_kept_first_wins),
	    T(test_urlencoded_value_len_counts_decoded_bytes),
	    T(test_urlencoded_rejects_empty_key),
	    T(test_urlencoded_rejects_bad_escapes),
	    T(test_urlencoded_rejects_percent_00),
	    T(test_urlencoded_rejects_raw_nul),
	    T(test_urlencoded_rejects_overlong_utf8),
	    T(test_urlencoded_rejects_surrogates),
	    T(test_urlencoded_rejects_other_invalid_utf8),
	    T(test_urlencoded_accepts_utf8_edges),
	    T(test_urlencoded_accepts_max_fields),
	    T(test_urlencoded_too_many_fields_is_too_large),
	    T(test_urlencoded_empty_pairs_do_not_count_towards_limit),
	    T(test_kv_get_handles_null_list),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
