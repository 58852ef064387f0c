/* Unit tests for src/core/markdown.c: the safety policy (no raw HTML, no
 * script links, images from this site or inline only), the extensions
 * (tables, strikethrough, autolinks), the limits against Markdown bombs
 * (deep nesting, huge tables, long table rows, bracket storms, reference
 * expansion), the plain-text fallback of the renderer, and mentions (found
 * outside code and links, rendered as links when they resolve). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/markdown.h"

/* The HTML of md, in a buffer the caller frees. */
static char *render(const char *md)
{
	bst_buf b;
	bst_buf_init(&b);
	assert_int_equal(bst_markdown_render(md, &b), 0);
	size_t len;
	char *s = bst_buf_steal(&b, &len);
	return s ? s : strdup("");
}

static void assert_contains(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("%s\n--- does not contain ---\n%s", hay, needle);
}

static void assert_lacks(const char *hay, const char *needle)
{
	if (strstr(hay, needle))
		fail_msg("%s\n--- contains ---\n%s", hay, needle);
}

/* A string of n copies of unit, then tail; the caller frees it. */
static char *repeat(const char *unit, size_t n, const char *head, const char *tail)
{
	size_t u = strlen(unit), h = strlen(head), t = strlen(tail);
	char *s = malloc(h + u * n + t + 1);
	assert_non_null(s);
	memcpy(s, head, h);
	for (size_t i = 0; i < n; i++)
		memcpy(s + h + i * u, unit, u);
	memcpy(s + h + u * n, tail, t + 1);
	return s;
}

static double ms_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 +
	       (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

static void test_markdown_renders_emphasis_and_paragraphs(void **state)
{
	char *h = render("Hello *world* and **all**.\n\nSecond.");
	assert_contains(h, "<p>Hello <em>world</em> and <strong>all</strong>.</p>");
	assert_contains(h, "<p>Second.</p>");
	free(h);
}

static void test_markdown_script_tags_and_raw_html_are_omitted(void **state)
{
	char *h = render("<script>alert(1)</script>\n\nHi <b onclick=\"x()\">there</b> "
			 "<img src=x onerror=alert(1)> <iframe src=/x></iframe>");
	assert_lacks(h, "<script");
	assert_lacks(h, "<b ");
	assert_lacks(h, "onclick");
	assert_lacks(h, "onerror");
	assert_lacks(h, "<iframe");
	assert_lacks(h, "<img");
	assert_contains(h, "raw HTML omitted");
	free(h);
}

static void test_markdown_text_is_escaped(void **state)
{
	char *h = render("a < b & c > d \"e\" `<x>`");
	assert_contains(h, "a &lt; b &amp; c &gt; d");
	assert_contains(h, "<code>&lt;x&gt;</code>");
	free(h);
}

static void test_markdown_javascript_and_other_schemes_lose_their_link(void **state)
{
	char *h = render(
	    "[a](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) "
	    "[c](vbscript:msgbox) [d](file:///etc/passwd) "
	    "[e](data:text/html;base64,PHNjcmlwdD4=) [f](jav&#x09;ascript:alert(1)) "
	    "[g](<java\nscript:alert(1)>) [h](%6Aavascript:alert(1))");
	assert_lacks(h, "javascript:");
	assert_lacks(h, "JaVaScRiPt");
	assert_lacks(h, "vbscript");
	assert_lacks(h, "file:");
	assert_lacks(h, "data:");
	assert_lacks(h, "href=\"\"");
	/* the text stays */
	assert_contains(h, "a b c d e f");
	free(h);
}

static void test_markdown_ordinary_links_stay(void **state)
{
	char *h = render(
	    "[x](https://example.org/a?b=1&c=2) [y](/groups/3) [z](mailto:a@b.example) "
	    "[w](#top) [v](http://example.org \"t\")");
	assert_contains(h, "<a href=\"https://example.org/a?b=1&amp;c=2\">x</a>");
	assert_contains(h, "<a href=\"/groups/3\">y</a>");
	assert_contains(h, "<a href=\"mailto:a@b.example\">z</a>");
	assert_contains(h, "<a href=\"#top\">w</a>");
	assert_contains(h, "<a href=\"http://example.org\" title=\"t\">v</a>");
	free(h);
}

static void test_markdown_images_only_from_this_site_or_inline(void **state)
{
	char *h =
	    render("![ok](/static/x.png) ![inline](data:image/png;base64,iVBORw0KGgo=) "
		   "![remote](https://tracker.example/p.gif) "
		   "![svg](data:image/svg+xml;base64,PHN2Zz4=) "
		   "![js](javascript:alert(1)) ![proto](//tracker.example/p.gif)");
	assert_contains(h, "<img src=\"/static/x.png\" alt=\"ok\"");
	assert_contains(h,
			"<img src=\"data:image/png;base64,iVBORw0KGgo=\" alt=\"inline\"");
	assert_lacks(h, "tracker.example");
	assert_lacks(h, "svg+xml");
	assert_lacks(h, "javascript");
	/* refused images leave their alternative text */
	assert_contains(h, "remote");
	assert_contains(h, "proto");
	free(h);
}

static void test_markdown_autolinks(void **state)
{
	char *h =
	    render("See www.example.org and https://example.com/x and ann@example.org.");
	assert_contains(h, "<a href=\"http://www.example.org\">www.example.org</a>");
	assert_contains(h, "<a href=\"https://example.com/x\">https://example.com/x</a>");
	assert_contains(h, "<a href=\"mailto:ann@example.org\">ann@example.org</a>");
	free(h);
}

static void test_markdown_strikethrough(void **state)
{
	char *h = render("This is ~~wrong~~ right.");
	assert_contains(h, "<del>wrong</del>");
	free(h);
}

static void test_markdown_tables_are_wrapped_with_header_scope(void **state)
{
	char *h = render("| Name | Count |\n|:-----|------:|\n| a | 1 |\n| b | 2 |\n");
	assert_contains(
	    h, "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"");
	assert_contains(h, "<th scope=\"col\" class=\"md-left\">Name</th>");
	assert_contains(h, "<th scope=\"col\" class=\"md-right\">Count</th>");
	assert_contains(h, "<td class=\"md-right\">2</td>");
	assert_contains(h, "</table></div>");
	assert_lacks(h, "align=");
	free(h);
}

static void test_markdown_table_markup_cannot_be_forged_by_text(void **state)
{
	char *h = render("`<table>` and \\<th> and <table><th>x</th></table>");
	assert_lacks(h, "table-wrap");
	assert_lacks(h, "scope=");
	free(h);
}

static void test_markdown_headings_start_at_h3(void **state)
{
	char *h = render("# One\n\n## Two\n\n###### Six");
	assert_contains(h, "<h3>One</h3>");
	assert_contains(h, "<h4>Two</h4>");
	assert_contains(h, "<h6>Six</h6>");
	assert_lacks(h, "<h1");
	assert_lacks(h, "<h2");
	free(h);
}

static void test_markdown_check_accepts_ordinary_text(void **state)
{
	assert_int_equal(bst_markdown_check("Hello **all**\n\n- a\n- b\n", 0),
			 BST_MARKDOWN_OK);
	assert_int_equal(bst_markdown_check("| a | b |\n|---|---|\n| 1 | 2 |\n", 0),
			 BST_MARKDOWN_OK);
}

static void test_markdown_check_refuses_empty_text(void **state)
{
	assert_int_equal(bst_markdown_check("", 0), BST_MARKDOWN_EMPTY);
	assert_int_equal(bst_markdown_check(" \n\t\r\n ", 0), BST_MARKDOWN_EMPTY);
	assert_int_equal(bst_markdown_check(NULL, 0), BST_MARKDOWN_EMPTY);
	assert_int_equal(bst_markdown_check("|", 0), BST_MARKDOWN_OK);
}

static void test_markdown_check_refuses_text_over_the_size_limit(void **state)
{
	char *s = repeat("a", BST_MARKDOWN_MAX_INPUT + 1, "", "");
	assert_int_equal(bst_markdown_check(s, 0), BST_MARKDOWN_TOO_LARGE);
	s[BST_MARKDOWN_MAX_INPUT] = '\0';
	assert_int_equal(bst_markdown_check(s, 0), BST_MARKDOWN_OK);
	assert_int_equal(bst_markdown_check("abcdef", 5), BST_MARKDOWN_TOO_LARGE);
	free(s);
}

static void test_markdown_deep_nesting_bomb_is_refused_and_rendered_flat(void **state)
{
	const char *units[] = {">", "> ", "- ", "* ", "1. ", "> - "};
	for (size_t i = 0; i < sizeof units / sizeof *units; i++) {
		char *s = repeat(units[i], 60000 / strlen(units[i]), "", "bomb");
		struct timespec t0;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		assert_int_equal(bst_markdown_check(s, 0), BST_MARKDOWN_TOO_DEEP);
		char *h = render(s);
		assert_true(ms_since(&t0) < 2000);
		assert_contains(h, "<pre class=\"md-plain\">");
		assert_lacks(h, "<blockquote>");
		assert_lacks(h, "<li>");
		free(h);
		free(s);
	}
	/* within the limit it renders */
	char *ok = repeat("> ", 10, "", "fine");
	assert_int_equal(bst_markdown_check(ok, 0), BST_MARKDOWN_OK);
	char *h = render(ok);
	assert_contains(h, "<blockquote>");
	free(h);
	free(ok);
}

static void test_markdown_inline_nesting_bomb_is_refused(void **state)
{
	/* 40 levels of links in emphasis: beyond the depth limit */
	char *s = repeat("*a [", 40, "", "x");
	char *t = repeat("](/a) b*", 40, s, "");
	assert_int_equal(bst_markdown_check(t, 0), BST_MARKDOWN_TOO_DEEP);
	free(t);
	free(s);
}

static void test_markdown_huge_table_is_refused(void **state)
{
	/* 100 columns, 1000 rows: 100,000 cells */
	char *head = repeat("a|", 100, "|", "\n");
	char *delim = repeat("-|", 100, "|", "\n");
	char *rows = repeat("x\n", 1000, "", "");
	size_t n = strlen(head) + strlen(delim) + strlen(rows) + 1;
	char *s = malloc(n);
	assert_non_null(s);
	snprintf(s, n, "%s%s%s", head, delim, rows);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(bst_markdown_check(s, 0), BST_MARKDOWN_TOO_COMPLEX);
	char *h = render(s);
	assert_true(ms_since(&t0) < 1000);
	assert_lacks(h, "<table>");
	assert_contains(h, "md-plain");
	free(h);
	free(s);
	free(rows);
	free(delim);
	free(head);
}

static void test_markdown_table_row_with_thousands_of_pipes_is_refused(void **state)
{
	/* quadratic in cmark-gfm 0.29.0.gfm.6: seconds for 60,000 "|" */
	char *s = repeat("|", 60000, "|a|\n|-|\n", "\n");
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(bst_markdown_check(s, 0), BST_MARKDOWN_TOO_COMPLEX);
	assert_true(ms_since(&t0) < 100);
	free(s);
	char *d = repeat("|-", 20000, "a\n", "|");
	assert_int_equal(bst_markdown_check(d, 0), BST_MARKDOWN_TOO_COMPLEX);
	free(d);
}

static void test_markdown_bracket_and_at_storms_are_refused(void **state)
{
	char *s = repeat("![[]()", 10000, "", "");
	assert_int_equal(bst_markdown_check(s, 0), BST_MARKDOWN_TOO_COMPLEX);
	free(s);
	char *a = repeat("a@", 30000, "", "");
	assert_int_equal(bst_markdown_check(a, 0), BST_MARKDOWN_TOO_COMPLEX);
	free(a);
}

static void test_markdown_reference_expansion_bomb_is_refused(void **state)
{
	/* one 30 KB address referenced 10,000 times would render 300 MB */
	char *url = repeat("x", 30000, "[a]: /", "\n\n");
	char *s = repeat("[a]", 3000, url, "");
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(bst_markdown_check(s, 0), BST_MARKDOWN_TOO_COMPLEX);
	bst_buf b;
	bst_buf_init(&b);
	assert_int_equal(bst_markdown_render(s, &b), 0);
	assert_true(b.len < 2 * strlen(s));
	assert_true(ms_since(&t0) < 1000);
	bst_buf_free(&b);
	free(s);
	free(url);
}

static void test_markdown_worst_inputs_within_limits_render_quickly(void **state)
{
	const struct {
		const char *unit;
		size_t n;
	} cases[] = {
	    {"![[]()", 600}, {"a@", 2000},     {"*a_", 20000},
	    {"[x](", 4000},  {"<a", 30000},    {"~~a", 20000},
	    {"`a", 30000},   {"www.a", 12000}, {"|a|b|\n|-|-|\n", 400},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *s = repeat(cases[i].unit, cases[i].n, "", "");
		struct timespec t0;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		char *h = render(s);
		double ms = ms_since(&t0);
		if (ms > 500)
			fail_msg("%s x %zu: %.0f ms", cases[i].unit, cases[i].n, ms);
		free(h);
		free(s);
	}
}

static void test_markdown_invalid_utf8_is_replaced(void **state)
{
	char *h = render("a\xff\xfe b \xc3\xa9");
	assert_contains(h, "a\xef\xbf\xbd");
	assert_contains(h, "\xc3\xa9");
	free(h);
}

struct seen {
	char list[16][BST_MARKDOWN_HANDLE_MAX + 1];
	int n;
};

static void collect(void *cls, const char *handle)
{
	struct seen *s = cls;
	if (s->n < 16)
		snprintf(s->list[s->n++], sizeof s->list[0], "%s", handle);
}

static void test_markdown_mentions_outside_code_and_links(void **state)
{
	struct seen s = {.n = 0};
	assert_int_equal(
	    bst_markdown_mentions("Hi @Alice and @bob.smith. Also (@carol), "
				  "`@dave` [@eve](/x) bob@frank.example "
				  "@grace@mail.example\n\n    @heidi\n\n**@ivan**'s @",
				  collect, &s),
	    0);
	assert_int_equal(s.n, 4);
	assert_string_equal(s.list[0], "alice");
	assert_string_equal(s.list[1], "bob.smith");
	assert_string_equal(s.list[2], "carol");
	assert_string_equal(s.list[3], "ivan");
}

static void test_markdown_mentions_of_a_refused_text_are_none(void **state)
{
	struct seen s = {.n = 0};
	char *deep = repeat(">", 100, "", " @alice");
	assert_int_equal(bst_markdown_mentions(deep, collect, &s), 0);
	assert_int_equal(s.n, 0);
	free(deep);
}

static bool resolve(void *cls, const char *handle, char *href, size_t n)
{
	if (strcmp(handle, "alice") != 0)
		return false;
	snprintf(href, n, "/people/7");
	return true;
}

static void test_markdown_mentions_render_as_profile_links(void **state)
{
	bst_buf b;
	bst_buf_init(&b);
	assert_int_equal(
	    bst_markdown_render_mentions("Thanks @Alice, @bob and `@alice`! @alice", &b,
					 resolve, NULL),
	    0);
	const char *h = bst_buf_str(&b);
	assert_contains(h, "<p>Thanks <a href=\"/people/7\">@Alice</a>, @bob and "
			   "<code>@alice</code>! <a href=\"/people/7\">@alice</a></p>");
	bst_buf_free(&b);
}

static void test_markdown_codes_and_texts_exist_for_every_status(void **state)
{
	for (int s = BST_MARKDOWN_OK; s <= BST_MARKDOWN_ERROR; s++) {
		assert_non_null(bst_markdown_code(s));
		assert_true(strlen(bst_markdown_text(s)) > 0);
	}
	assert_string_equal(bst_markdown_code(BST_MARKDOWN_TOO_DEEP), "text_too_deep");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_markdown_renders_emphasis_and_paragraphs),
	    cmocka_unit_test(test_markdown_script_tags_and_raw_html_are_omitted),
	    cmocka_unit_test(test_markdown_text_is_escaped),
	    cmocka_unit_test(test_markdown_javascript_and_other_schemes_lose_their_link),
	    cmocka_unit_test(test_markdown_ordinary_links_stay),
	    cmocka_unit_test(test_markdown_images_only_from_this_site_or_inline),
	    cmocka_unit_test(test_markdown_autolinks),
	    cmocka_unit_test(test_markdown_strikethrough),
	    cmocka_unit_test(test_markdown_tables_are_wrapped_with_header_scope),
	    cmocka_unit_test(test_markdown_table_markup_cannot_be_forged_by_text),
	    cmocka_unit_test(test_markdown_headings_start_at_h3),
	    cmocka_unit_test(test_markdown_check_accepts_ordinary_text),
	    cmocka_unit_test(test_markdown_check_refuses_empty_text),
	    cmocka_unit_test(test_markdown_check_refuses_text_over_the_size_limit),
	    cmocka_unit_test(
		test_markdown_deep_nesting_bomb_is_refused_and_rendered_flat),
	    cmocka_unit_test(test_markdown_inline_nesting_bomb_is_refused),
	    cmocka_unit_test(test_markdown_huge_table_is_refused),
	    cmocka_unit_test(test_markdown_table_row_with_thousands_of_pipes_is_refused),
	    cmocka_unit_test(test_markdown_bracket_and_at_storms_are_refused),
	    cmocka_unit_test(test_markdown_reference_expansion_bomb_is_refused),
	    cmocka_unit_test(test_markdown_worst_inputs_within_limits_render_quickly),
	    cmocka_unit_test(test_markdown_invalid_utf8_is_replaced),
	    cmocka_unit_test(test_markdown_mentions_outside_code_and_links),
	    cmocka_unit_test(test_markdown_mentions_of_a_refused_text_are_none),
	    cmocka_unit_test(test_markdown_mentions_render_as_profile_links),
	    cmocka_unit_test(test_markdown_codes_and_texts_exist_for_every_status),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
