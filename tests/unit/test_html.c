/* Unit tests for src/core/html.c: escaping for text, attribute values and
 * URL arguments escapes exactly what each context needs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/html.h"

enum ctx { TXT, ATTR, URL };

/* Escapes s for one context into a fresh buffer and compares. */
static void assert_escapes(enum ctx c, const char *s, const char *want)
{
	bst_buf b;
	bst_buf_init(&b);
	switch (c) {
	case TXT:
		bst_html_txt(&b, s);
		break;
	case ATTR:
		bst_html_attr(&b, s);
		break;
	case URL:
		bst_html_url_arg(&b, s);
		break;
	}
	assert_false(b.oom);
	assert_string_equal(bst_buf_str(&b), want);
	assert_int_equal(b.len, strlen(want));
	bst_buf_free(&b);
}

static void test_html_txt_escapes_amp_lt_gt_only(void **state)
{
	assert_escapes(TXT, "&", "&amp;");
	assert_escapes(TXT, "<", "&lt;");
	assert_escapes(TXT, ">", "&gt;");
	assert_escapes(TXT, "<script>alert('x')</script>",
		       "&lt;script&gt;alert('x')&lt;/script&gt;");
	assert_escapes(TXT, "a & b \"quoted\" it's", "a &amp; b \"quoted\" it's");
	/* An entity already present is escaped again: the text is data. */
	assert_escapes(TXT, "&amp;", "&amp;amp;");
}

static void test_html_attr_escapes_amp_lt_gt_and_both_quotes(void **state)
{
	assert_escapes(ATTR, "&", "&amp;");
	assert_escapes(ATTR, "<", "&lt;");
	assert_escapes(ATTR, ">", "&gt;");
	assert_escapes(ATTR, "\"", "&quot;");
	assert_escapes(ATTR, "'", "&#39;");
	assert_escapes(ATTR, "\" onmouseover=\"alert(1)",
		       "&quot; onmouseover=&quot;alert(1)");
	assert_escapes(ATTR, "a'b\"c<d>e&f", "a&#39;b&quot;c&lt;d&gt;e&amp;f");
}

static void test_html_txt_and_attr_leave_every_other_byte_alone(void **state)
{
	/* Every byte from 1 to 255 but the specials passes through unchanged. */
	char all[256];
	size_t n = 0;
	for (int c = 1; c < 256; c++)
		if (!strchr("&<>\"'", c))
			all[n++] = (char)c;
	all[n] = '\0';
	assert_escapes(ATTR, all, all);
	assert_escapes(TXT, all, all);
}

static void test_html_txt_and_attr_pass_utf8_through(void **state)
{
	assert_escapes(TXT, "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80",
		       "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
	assert_escapes(ATTR, "\xC3\xA9t\xC3\xA9 \"\xC3\xA0\"",
		       "\xC3\xA9t\xC3\xA9 &quot;\xC3\xA0&quot;");
}

static void test_html_escapers_accept_empty_and_null(void **state)
{
	for (enum ctx c = TXT; c <= URL; c++) {
		assert_escapes(c, "", "");
		assert_escapes(c, NULL, "");
	}
}

static void test_html_escapers_append_to_what_is_there(void **state)
{
	bst_buf b;
	bst_buf_init(&b);
	bst_buf_puts(&b, "<p title=\"");
	bst_html_attr(&b, "1 < 2");
	bst_buf_puts(&b, "\">");
	bst_html_txt(&b, "Tom & Jerry");
	bst_buf_puts(&b, "</p><a href=\"/search?q=");
	bst_html_url_arg(&b, "a&b");
	bst_buf_puts(&b, "\">");
	assert_string_equal(bst_buf_str(&b), "<p title=\"1 &lt; 2\">Tom &amp; Jerry</p>"
					     "<a href=\"/search?q=a%26b\">");
	bst_buf_free(&b);
}

static void test_html_escapers_handle_long_input_with_many_specials(void **state)
{
	char in[3001];
	for (int i = 0; i < 3000; i++)
		in[i] = i % 3 == 0 ? '<' : 'a';
	in[3000] = '\0';
	bst_buf b;
	bst_buf_init(&b);
	bst_html_txt(&b, in);
	assert_false(b.oom);
	assert_int_equal(b.len, 1000 * strlen("&lt;") + 2000);
	assert_memory_equal(b.data, "&lt;aa&lt;aa", 12);
	assert_string_equal(b.data + b.len - 6, "&lt;aa");
	bst_buf_free(&b);
}

static void test_html_url_arg_keeps_only_unreserved_characters(void **state)
{
	assert_escapes(URL, "AZaz09-._~", "AZaz09-._~");
	assert_escapes(URL, "a b", "a%20b");
	assert_escapes(URL, "a+b", "a%2Bb");
	assert_escapes(URL, "k=v&x=y", "k%3Dv%26x%3Dy");
	assert_escapes(URL, "/path?q#frag", "%2Fpath%3Fq%23frag");
	assert_escapes(URL, "100%", "100%25");
	assert_escapes(URL, "\"'<>", "%22%27%3C%3E");
	assert_escapes(URL, "javascript:alert(1)", "javascript%3Aalert%281%29");
}

static void test_html_url_arg_encodes_every_other_byte_as_uppercase_hex(void **state)
{
	char one[2] = {0, 0};
	char want[4];
	for (int c = 1; c < 256; c++) {
		one[0] = (char)c;
		bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
				  (c >= '0' && c <= '9') || c == '-' || c == '.' ||
				  c == '_' || c == '~';
		if (unreserved)
			snprintf(want, sizeof want, "%c", c);
		else
			snprintf(want, sizeof want, "%%%02X", c);
		assert_escapes(URL, one, want);
	}
}

static void test_html_url_arg_encodes_utf8_byte_by_byte(void **state)
{
	assert_escapes(URL, "caf\xC3\xA9", "caf%C3%A9");
	assert_escapes(URL, "\xE2\x82\xAC", "%E2%82%AC");
	assert_escapes(URL, "\xF0\x9F\x98\x80", "%F0%9F%98%80");
	assert_escapes(URL, "\xC3\xA9 \xC3\xA0", "%C3%A9%20%C3%A0");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_html_txt_escapes_amp_lt_gt_only),
	    cmocka_unit_test(test_html_attr_escapes_amp_lt_gt_and_both_quotes),
	    cmocka_unit_test(test_html_txt_and_attr_leave_every_other_byte_alone),
	    cmocka_unit_test(test_html_txt_and_attr_pass_utf8_through),
	    cmocka_unit_test(test_html_escapers_accept_empty_and_null),
	    cmocka_unit_test(test_html_escapers_append_to_what_is_there),
	    cmocka_unit_test(test_html_escapers_handle_long_input_with_many_specials),
	    cmocka_unit_test(test_html_url_arg_keeps_only_unreserved_characters),
	    cmocka_unit_test(test_html_url_arg_encodes_every_other_byte_as_uppercase_hex),
	    cmocka_unit_test(test_html_url_arg_encodes_utf8_byte_by_byte),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
