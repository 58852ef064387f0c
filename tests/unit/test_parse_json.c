/* Unit tests for bst_parse_json (src/http). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/buf.h"
#include "http/parse.h"

static int parse(const char *s, json_t **v, char *err, size_t errlen)
{
	return bst_parse_json(s, strlen(s), v, err, errlen);
}

/* Asserts s is refused with an error sentence containing want. */
static void assert_rejected_with(const char *s, size_t len, const char *want)
{
	char err[256];
	json_t *v = (json_t *)1;
	assert_int_equal(bst_parse_json(s, len, &v, err, sizeof err),
	                 BST_PARSE_MALFORMED);
	assert_null(v);
	assert_non_null(strstr(err, "invalid JSON at line "));
	if (!strstr(err, want))
		print_error("error \"%s\" lacks \"%s\"\n", err, want);
	assert_non_null(strstr(err, want));
	for (const char *p = err; *p; p++)
		assert_true(*p >= 0x20 && *p <= 0x7E);
}

static void assert_rejected(const char *s)
{
	assert_rejected_with(s, strlen(s), "");
}

/* {"a":[{"a":[ ... inner ... ]}]} with levels containers; inner lands in
 * an array when levels is even. */
static void nested(bst_buf *b, int levels, const char *inner)
{
	bst_buf_init(b);
	bst_buf_putc(b, '{');
	for (int i = 1; i < levels; i++)
		bst_buf_puts(b, i % 2 ? "\"a\":[" : "{");
	bst_buf_puts(b, inner);
	for (int i = levels - 1; i >= 1; i--)
		bst_buf_putc(b, i % 2 ? ']' : '}');
	bst_buf_putc(b, '}');
}

static void test_json_parses_object(void **state)
{
	json_t *v;
	char err[128] = "x";
	assert_int_equal(parse("{\"name\": \"caf\xC3\xA9\", \"n\": [1, 2.5, null, true], "
	                       "\"o\": {}}",
	                       &v, err, sizeof err),
	                 BST_PARSE_OK);
	assert_string_equal(err, "");
	assert_true(json_is_object(v));
	assert_string_equal(json_string_value(json_object_get(v, "name")), "caf\xC3\xA9");
	assert_int_equal(json_array_size(json_object_get(v, "n")), 4);
	json_decref(v);
}

static void test_json_accepts_surrounding_whitespace(void **state)
{
	json_t *v;
	assert_int_equal(parse(" \r\n\t{\"a\":1} \n", &v, NULL, 0), BST_PARSE_OK);
	json_decref(v);
}

static void test_json_accepts_depth_32(void **state)
{
	bst_buf b;
	json_t *v;
	nested(&b, BST_PARSE_MAX_JSON_DEPTH, "1");
	assert_int_equal(bst_parse_json(b.data, b.len, &v, NULL, 0), BST_PARSE_OK);
	bst_buf_free(&b);
	json_decref(v);
}

static void test_json_rejects_depth_33_with_position(void **state)
{
	bst_buf b;
	nested(&b, BST_PARSE_MAX_JSON_DEPTH + 1, "1");
	assert_rejected_with(b.data, b.len, "nested deeper than 32 levels");
	bst_buf_free(&b);
	nested(&b, BST_PARSE_MAX_JSON_DEPTH, "{}");
	assert_rejected_with(b.data, b.len, "nested deeper than 32 levels");
	bst_buf_free(&b);
	nested(&b, 5000, "[]");
	assert_rejected_with(b.data, b.len, "column ");
	bst_buf_free(&b);
}

static void test_json_brackets_in_strings_do_not_count_as_depth(void **state)
{
	bst_buf b;
	json_t *v;
	nested(&b, BST_PARSE_MAX_JSON_DEPTH, "\"[[[[{{{{\\\"[[[[\"");
	assert_int_equal(bst_parse_json(b.data, b.len, &v, NULL, 0), BST_PARSE_OK);
	bst_buf_free(&b);
	json_decref(v);
}

static void test_json_rejects_duplicate_keys(void **state)
{
	assert_rejected_with("{\"a\": 1, \"a\": 2}", 16, "duplicate object key");
	assert_rejected_with("{\"o\": {\"k\": 1, \"k\": 1}}", 24, "duplicate object key");
}

static void test_json_rejects_trailing_garbage(void **state)
{
	assert_rejected("{} x");
	assert_rejected("{}{}");
	assert_rejected("{\"a\":1},");
	assert_rejected_with("{}\0", 3, "");
}

static void test_json_rejects_non_object_top_level(void **state)
{
	const char *bad[] = {"[]", "[{}]", "\"s\"", "1", "null", "true"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_rejected(bad[i]);
	assert_rejected_with("\n  [1]", 6,
	                     "line 2, column 3: the body must be an object");
}

static void test_json_rejects_nul_in_strings_and_keys(void **state)
{
	assert_rejected("{\"a\": \"x\\u0000y\"}");
	assert_rejected("{\"a\\u0000\": 1}");
	assert_rejected_with("{\"a\": \"x\0y\"}", 12, "");
}

static void test_json_rejects_invalid_utf8(void **state)
{
	assert_rejected("{\"a\": \"\xC0\xAF\"}");         /* overlong */
	assert_rejected("{\"a\": \"\xED\xA0\x80\"}");     /* raw surrogate */
	assert_rejected("{\"a\": \"\xF4\x90\x80\x80\"}"); /* above U+10FFFF */
	assert_rejected("{\"a\": \"\xC3\"}");             /* truncated */
	assert_rejected("{\"a\": \"\\ud800\"}");          /* lone escaped surrogate */
	assert_rejected("{\"\xFF\": 1}");
}

static void test_json_accepts_escaped_surrogate_pair(void **state)
{
	json_t *v;
	assert_int_equal(parse("{\"e\": \"\\ud83d\\ude00\"}", &v, NULL, 0), BST_PARSE_OK);
	assert_string_equal(json_string_value(json_object_get(v, "e")),
	                    "\xF0\x9F\x98\x80");
	json_decref(v);
}

static void test_json_error_gives_line_and_column(void **state)
{
	assert_rejected_with("{\n  \"a\": x\n}", 12, "invalid JSON at line 2, column ");
	assert_rejected_with("{\"a\" 1}", 7, "line 1, column ");
}

static void test_json_error_is_printable_ascii(void **state)
{
	assert_rejected_with("{\"a\": tr\x01\xFF\xC3\xA9}", 13, "");
	assert_rejected_with("{\"\xC3\xA9\": [\x1b[31m}", 14, "");
}

static void test_json_rejects_empty_body(void **state)
{
	assert_rejected_with("", 0, "");
	char err[128];
	json_t *v;
	assert_int_equal(bst_parse_json(NULL, 0, &v, err, sizeof err),
	                 BST_PARSE_MALFORMED);
	assert_null(v);
	assert_true(err[0] != '\0');
}

static void test_json_error_truncates_to_buffer(void **state)
{
	char err[8];
	json_t *v;
	memset(err, 'z', sizeof err);
	assert_int_equal(parse("[", &v, err, sizeof err), BST_PARSE_MALFORMED);
	assert_int_equal(strlen(err), sizeof err - 1);
	assert_int_equal(parse("[", &v, NULL, 0), BST_PARSE_MALFORMED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_json_parses_object),
	    cmocka_unit_test(test_json_accepts_surrounding_whitespace),
	    cmocka_unit_test(test_json_accepts_depth_32),
	    cmocka_unit_test(test_json_rejects_depth_33_with_position),
	    cmocka_unit_test(test_json_brackets_in_strings_do_not_count_as_depth),
	    cmocka_unit_test(test_json_rejects_duplicate_keys),
	    cmocka_unit_test(test_json_rejects_trailing_garbage),
	    cmocka_unit_test(test_json_rejects_non_object_top_level),
	    cmocka_unit_test(test_json_rejects_nul_in_strings_and_keys),
	    cmocka_unit_test(test_json_rejects_invalid_utf8),
	    cmocka_unit_test(test_json_accepts_escaped_surrogate_pair),
	    cmocka_unit_test(test_json_error_gives_line_and_column),
	    cmocka_unit_test(test_json_error_is_printable_ascii),
	    cmocka_unit_test(test_json_rejects_empty_body),
	    cmocka_unit_test(test_json_error_truncates_to_buffer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
