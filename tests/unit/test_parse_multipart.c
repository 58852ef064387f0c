/* Unit tests for the multipart/form-data parsers (src/http). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/buf.h"
#include "http/parse.h"

#define B  "----bst7MA4YWxk"
#define CT "multipart/form-data; boundary=" B

/* Everything the callbacks saw, serialised, so runs can be compared. */
struct rec {
	bst_buf log;
	size_t data_bytes;
	int calls;
	int fail_after; /* callback number that returns 42, 0: never */
};

static int rec_tick(struct rec *r)
{
	return ++r->calls == r->fail_after ? 42 : 0;
}

static int rec_begin(void *cls, const char *name, const char *filename, const char *ctype)
{
	struct rec *r = cls;
	bst_buf_printf(&r->log, "[%s|%s|%s]", name, filename ? filename : "(none)",
	               ctype ? ctype : "(none)");
	return rec_tick(r);
}

static int rec_data(void *cls, const char *data, size_t len)
{
	struct rec *r = cls;
	assert_true(len > 0);
	bst_buf_append(&r->log, data, len);
	r->data_bytes += len;
	return rec_tick(r);
}

static int rec_end(void *cls)
{
	struct rec *r = cls;
	bst_buf_puts(&r->log, "[end]");
	return rec_tick(r);
}

static const struct bst_multipart_cb rec_cb = {rec_begin, rec_data, rec_end};

/* Feeds body in pieces: step bytes each, or pseudo-random sizes when step
 * is 0; returns the first error or the result of finish. */
static int run(const char *body, size_t len, size_t step, unsigned seed, struct rec *r)
{
	bst_buf_init(&r->log);
	r->data_bytes = 0;
	r->calls = 0;
	bst_multipart *m = bst_multipart_new(B, &rec_cb, r);
	assert_non_null(m);
	int rc = 0;
	for (size_t off = 0; off < len && rc == 0;) {
		size_t n = step;
		if (!n) {
			seed = seed * 1103515245u + 12345u;
			n = 1 + (seed >> 16) % 23;
		}
		if (n > len - off)
			n = len - off;
		rc = bst_multipart_feed(m, body + off, n);
		off += n;
	}
	if (rc == 0)
		rc = bst_multipart_finish(m);
	bst_multipart_free(m);
	return rc;
}

static int run_str(const char *body, struct rec *r)
{
	return run(body, strlen(body), strlen(body) ? strlen(body) : 1, 0, r);
}

/* The boundary followed by other text, at the start of a line in a part */
static const char SUFFIXED[] = "--" B "\r\n"
                               "Content-Disposition: form-data; name=\"doc\"\r\n"
                               "\r\n"
                               "line 1\r\n--" B "xyz\r\n"
                               "--" B "--\r\n";

static const char SAMPLE_OK[] =
    "preamble to ignore\r\n"
    "--" B "\r\n"
    "Content-Disposition: form-data; name=\"title\"\r\n"
    "\r\n"
    "Hello\r\nworld\r\n-- " B " --" B "\r\r\n-\r\n--" B "\r\n"
    "Content-Disposition: form-data; name=\"doc\"; filename=\"notes.txt\"\r\n"
    "Content-Type: text/plain\r\n"
    "\r\n"
    "\x00\xff binary\r\n\r\n"
    "--" B "\r\n"
    "Content-Disposition: form-data; name=\"empty\"\r\n"
    "\r\n"
    "\r\n"
    "--" B "--\r\n"
    "epilogue to ignore\r\n--" B "\r\n";

static const char SAMPLE_LOG[] =
    "[title|(none)|(none)]Hello\r\nworld\r\n-- " B " --" B "\r\r\n-[end]"
    "[doc|notes.txt|text/plain]\x00\xff binary\r\n[end]"
    "[empty|(none)|(none)][end]";

static void assert_log(const struct rec *r, const char *want, size_t wantlen)
{
	assert_int_equal(r->log.len, wantlen);
	assert_memory_equal(r->log.data, want, wantlen);
}

static void test_multipart_boundary_parses_token_and_quoted(void **state)
{
	char b[71];
	assert_int_equal(bst_multipart_boundary(CT, b, sizeof b), BST_PARSE_OK);
	assert_string_equal(b, B);
	assert_int_equal(bst_multipart_boundary(
	                     "Multipart/Form-Data; BOUNDARY=\"a b:c?\"", b, sizeof b),
	                 BST_PARSE_OK);
	assert_string_equal(b, "a b:c?");
	assert_int_equal(
	    bst_multipart_boundary("multipart/form-data;charset=utf-8 ;  boundary=x", b,
	                           sizeof b),
	    BST_PARSE_OK);
	assert_string_equal(b, "x");
}

static void test_multipart_boundary_accepts_70_chars_rejects_71(void **state)
{
	char b[71], ct[200];
	snprintf(ct, sizeof ct, "multipart/form-data; boundary=%070d", 7);
	assert_int_equal(bst_multipart_boundary(ct, b, sizeof b), BST_PARSE_OK);
	assert_int_equal(strlen(b), 70);
	snprintf(ct, sizeof ct, "multipart/form-data; boundary=%071d", 7);
	assert_int_equal(bst_multipart_boundary(ct, b, sizeof b), BST_PARSE_MALFORMED);
	assert_string_equal(b, "");
}

static void test_multipart_boundary_rejects_bad_content_types(void **state)
{
	char b[71];
	const char *bad[] = {
	    NULL,
	    "",
	    "multipart/form-data",
	    "multipart/form-data; boundary=",
	    "multipart/form-data; boundary=\"\"",
	    "multipart/mixed; boundary=x",
	    "multipart/form-dataX; boundary=x",
	    "text/plain; boundary=x",
	    "multipart/form-data; boundary=a; boundary=b",
	    "multipart/form-data; boundary=\"trailing space \"",
	    "multipart/form-data; boundary=\"unterminated",
	    "multipart/form-data; boundary=\"no\\\"quotes\"",
	    "multipart/form-data; boundary=\"cr\rlf\"",
	    "multipart/form-data; boundary=x y",
	    "multipart/form-data; boundary =x",
	    "multipart/form-data boundary=x",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_int_equal(bst_multipart_boundary(bad[i], b, sizeof b),
		                 BST_PARSE_MALFORMED);
}

static void test_multipart_boundary_rejects_small_output(void **state)
{
	char b[4];
	assert_int_equal(
	    bst_multipart_boundary("multipart/form-data; boundary=abcd", b, sizeof b),
	    BST_PARSE_MALFORMED);
	assert_int_equal(
	    bst_multipart_boundary("multipart/form-data; boundary=abc", b, sizeof b),
	    BST_PARSE_OK);
}

static void test_multipart_new_rejects_invalid_boundary(void **state)
{
	assert_null(bst_multipart_new("", &rec_cb, NULL));
	assert_null(bst_multipart_new("a\rb", &rec_cb, NULL));
	assert_null(bst_multipart_new("x ", &rec_cb, NULL));
	assert_null(bst_multipart_new(NULL, &rec_cb, NULL));
}

static void test_multipart_parses_parts_preamble_epilogue(void **state)
{
	struct rec r = {0};
	assert_int_equal(run(SAMPLE_OK, sizeof SAMPLE_OK - 1, sizeof SAMPLE_OK, 0, &r),
	                 BST_PARSE_OK);
	assert_log(&r, SAMPLE_LOG, sizeof SAMPLE_LOG - 1);
	bst_buf_free(&r.log);
}

static void test_multipart_one_byte_at_a_time_gives_same_result(void **state)
{
	struct rec r = {0};
	assert_int_equal(run(SAMPLE_OK, sizeof SAMPLE_OK - 1, 1, 0, &r), BST_PARSE_OK);
	assert_log(&r, SAMPLE_LOG, sizeof SAMPLE_LOG - 1);
	bst_buf_free(&r.log);
}

static void test_multipart_random_chunks_give_same_result(void **state)
{
	for (unsigned seed = 1; seed <= 200; seed++) {
		struct rec r = {0};
		assert_int_equal(run(SAMPLE_OK, sizeof SAMPLE_OK - 1, 0, seed, &r),
		                 BST_PARSE_OK);
		assert_log(&r, SAMPLE_LOG, sizeof SAMPLE_LOG - 1);
		bst_buf_free(&r.log);
	}
}

static void test_multipart_every_split_point_gives_same_result(void **state)
{
	size_t len = sizeof SAMPLE_OK - 1;
	for (size_t cut = 0; cut <= len; cut++) {
		struct rec r = {0};
		bst_buf_init(&r.log);
		bst_multipart *m = bst_multipart_new(B, &rec_cb, &r);
		assert_int_equal(bst_multipart_feed(m, SAMPLE_OK, cut), BST_PARSE_OK);
		assert_int_equal(bst_multipart_feed(m, SAMPLE_OK + cut, len - cut),
		                 BST_PARSE_OK);
		assert_int_equal(bst_multipart_finish(m), BST_PARSE_OK);
		assert_log(&r, SAMPLE_LOG, sizeof SAMPLE_LOG - 1);
		bst_multipart_free(m);
		bst_buf_free(&r.log);
	}
}

static void test_multipart_boundary_with_suffix_in_data_is_malformed(void **state)
{
	/* RFC 2046: the boundary must not occur in a part, even as a prefix */
	struct rec r = {0};
	assert_int_equal(run_str(SUFFIXED, &r), BST_PARSE_MALFORMED);
	bst_buf_free(&r.log);
}

static void test_multipart_streams_without_buffering_the_part(void **state)
{
	enum { CHUNK = 4096, CHUNKS = 256 };
	char *chunk = malloc(CHUNK);
	memset(chunk, 'x', CHUNK);
	chunk[CHUNK - 1] = '\r'; /* a held-back byte at every chunk end */
	struct rec r = {0};
	bst_buf_init(&r.log);
	bst_multipart *m = bst_multipart_new(B, &rec_cb, &r);
	const char head[] = "--" B "\r\nContent-Disposition: form-data; name=\"f\"; "
	                    "filename=\"big.bin\"\r\n\r\n";
	assert_int_equal(bst_multipart_feed(m, head, sizeof head - 1), 0);
	for (size_t i = 1; i <= CHUNKS; i++) {
		assert_int_equal(bst_multipart_feed(m, chunk, CHUNK), 0);
		/* at most the delimiter's length is held back */
		assert_true(r.data_bytes + 4 + strlen(B) >= i * CHUNK);
		bst_buf_reset(&r.log);
	}
	const char tail[] = "\r\n--" B "--";
	assert_int_equal(bst_multipart_feed(m, tail, sizeof tail - 1), 0);
	assert_int_equal(bst_multipart_finish(m), 0);
	assert_int_equal(r.data_bytes, (size_t)CHUNK * CHUNKS);
	bst_multipart_free(m);
	bst_buf_free(&r.log);
	free(chunk);
}

static void test_multipart_missing_closing_boundary_is_malformed(void **state)
{
	const char *bodies[] = {
	    "",
	    "just a preamble",
	    "--" B "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue",
	    "--" B "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue\r\n--" B,
	    "--" B "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue\r\n--" B
	    "-",
	    "--" B "\r\nContent-Disposition: form-data; name=\"a\"\r\n",
	};
	for (size_t i = 0; i < sizeof bodies / sizeof *bodies; i++) {
		struct rec r = {0};
		assert_int_equal(run_str(bodies[i], &r), BST_PARSE_MALFORMED);
		bst_buf_free(&r.log);
	}
}

static void test_multipart_transport_padding_is_allowed(void **state)
{
	struct rec r = {0};
	assert_int_equal(run_str("--" B
	                         " \t \r\nContent-Disposition: form-data; name=a\r\n\r\n"
	                         "v\r\n--" B "--",
	                         &r),
	                 BST_PARSE_OK);
	assert_string_equal(bst_buf_str(&r.log), "[a|(none)|(none)]v[end]");
	bst_buf_free(&r.log);
}

static void test_multipart_rejects_bad_delimiter_lines(void **state)
{
	const char *bodies[] = {
	    "--" B "x\r\n", "--" B " x\r\n", "--" B "\rx", "--" B "\n", "--" B "-x",
	};
	for (size_t i = 0; i < sizeof bodies / sizeof *bodies; i++) {
		struct rec r = {0};
		assert_int_equal(run_str(bodies[i], &r), BST_PARSE_MALFORMED);
		bst_buf_free(&r.log);
	}
}

static int run_headers(const char *headers, struct rec *r)
{
	bst_buf body;
	bst_buf_init(&body);
	bst_buf_printf(&body, "--" B "\r\n%s\r\nvalue\r\n--" B "--\r\n", headers);
	int rc = run(body.data, body.len, body.len, 0, r);
	bst_buf_free(&body);
	return rc;
}

static void test_multipart_rejects_bad_part_headers(void **state)
{
	const char *bad[] = {
	    "",
	    "Content-Type: text/plain\r\n",
	    "Content-Disposition: form-data\r\n",
	    "Content-Disposition: form-data; name=\"\"\r\n",
	    "Content-Disposition: attachment; name=\"a\"\r\n",
	    "Content-Disposition: form-data; name=\"a\"; name=\"b\"\r\n",
	    "Content-Disposition: form-data; name=\"a\"; filename=x; filename=y\r\n",
	    "Content-Disposition: form-data; name=\"a\r\n",
	    "Content-Disposition: form-data; name=a;\r\n",
	    "Content-Disposition: form-data; name=a b\r\n",
	    ("Content-Disposition: form-data; name=a\r\n"
	     "Content-Disposition: form-data; name=b\r\n"),
	    "Content-Disposition: form-data; name=a\nX: y\r\n",
	    "Content-Disposition: form-data; name=a\rX: y\r\n",
	    "Content-Disposition: form-data;\r\n name=a\r\n",
	    "Content-Disposition : form-data; name=a\r\n",
	    "Content-Disposition: form-data; name=\"a\x01\"\r\n",
	    "Content-Disposition: form-data; name=\"\xC0\xAF\"\r\n",
	    "Content-Disposition: form-data; name=a\r\nContent-Type:\r\n",
	    "Content-Disposition: form-data; name=a\r\nContent-Transfer-Encoding: "
	    "base64\r\n",
	    "no colon here\r\n",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct rec r = {0};
		int rc = run_headers(bad[i], &r);
		if (rc != BST_PARSE_MALFORMED)
			print_error("headers #%zu accepted\n", i);
		assert_int_equal(rc, BST_PARSE_MALFORMED);
		bst_buf_free(&r.log);
	}
}

static void test_multipart_header_names_and_params_are_case_insensitive(void **state)
{
	struct rec r = {0};
	assert_int_equal(
	    run_headers("content-disposition: FORM-DATA; NAME=\"a\"; FileName=f\r\n"
	                "CONTENT-TYPE: image/png\r\n"
	                "X-Unknown: ignored\r\n"
	                "Content-Transfer-Encoding: binary\r\n",
	                &r),
	    BST_PARSE_OK);
	assert_string_equal(bst_buf_str(&r.log), "[a|f|image/png]value[end]");
	bst_buf_free(&r.log);
}

static void test_multipart_filename_loses_path_and_keeps_quotes(void **state)
{
	struct {
		const char *param, *want;
	} cases[] = {
	    {"\"C:\\\\Users\\\\me\\\\report.pdf\"", "report.pdf"},
	    {"\"C:\\Users\\me\\report.pdf\"", "report.pdf"},
	    {"\"../../etc/passwd\"", "passwd"},
	    {"\"a\\\"b.txt\"", "a\"b.txt"},
	    {"\"semi;colon=.txt\"", "semi;colon=.txt"},
	    {"\"dir/\"", ""},
	    {"\"\"", ""},
	    {"\"\xC3\xA9t\xC3\xA9.txt\"", "\xC3\xA9t\xC3\xA9.txt"},
	    {"plain.txt", "plain.txt"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char headers[200], want[200];
		snprintf(headers, sizeof headers,
		         "Content-Disposition: form-data; name=\"up\"; filename=%s\r\n",
		         cases[i].param);
		snprintf(want, sizeof want, "[up|%s|(none)]value[end]", cases[i].want);
		struct rec r = {0};
		assert_int_equal(run_headers(headers, &r), BST_PARSE_OK);
		assert_string_equal(bst_buf_str(&r.log), want);
		bst_buf_free(&r.log);
	}
}

static void test_multipart_header_block_over_limit_is_too_large(void **state)
{
	bst_buf h;
	bst_buf_init(&h);
	bst_buf_puts(&h, "Content-Disposition: form-data; name=a\r\nX-Pad: ");
	while (h.len < 8192)
		bst_buf_putc(&h, 'p');
	bst_buf_puts(&h, "\r\n");
	struct rec r = {0};
	assert_int_equal(run_headers(h.data, &r), BST_PARSE_TOO_LARGE);
	bst_buf_free(&r.log);
	bst_buf_free(&h);
}

static void test_multipart_header_block_at_limit_is_accepted(void **state)
{
	bst_buf h;
	bst_buf_init(&h);
	bst_buf_puts(&h, "Content-Disposition: form-data; name=a\r\nX-Pad: ");
	/* the block includes the empty line that ends it */
	while (h.len < 8192 - 4)
		bst_buf_putc(&h, 'p');
	bst_buf_puts(&h, "\r\n");
	struct rec r = {0};
	assert_int_equal(run_headers(h.data, &r), BST_PARSE_OK);
	bst_buf_free(&r.log);
	bst_buf_free(&h);
}

static void test_multipart_too_many_parts_is_too_large(void **state)
{
	bst_buf body;
	bst_buf_init(&body);
	for (int i = 0; i <= BST_PARSE_MAX_FIELDS; i++)
		bst_buf_printf(
		    &body,
		    "--" B "\r\nContent-Disposition: form-data; name=f%d\r\n\r\nv\r\n",
		    i);
	bst_buf_puts(&body, "--" B "--");
	struct rec r = {0};
	assert_int_equal(run(body.data, body.len, body.len, 0, &r), BST_PARSE_TOO_LARGE);
	bst_buf_free(&r.log);

	bst_arena *a = bst_arena_new();
	bst_kvlist l;
	assert_int_equal(bst_parse_multipart_form(a, CT, body.data, body.len, &l),
	                 BST_PARSE_TOO_LARGE);
	assert_int_equal(l.n, 0);
	bst_arena_free(a);
	bst_buf_free(&body);
}

static void test_multipart_callback_error_stops_parse_and_sticks(void **state)
{
	for (int n = 1; n <= 3; n++) {
		struct rec r = {.fail_after = n};
		bst_buf_init(&r.log);
		bst_multipart *m = bst_multipart_new(B, &rec_cb, &r);
		assert_int_equal(bst_multipart_feed(m, SAMPLE_OK, sizeof SAMPLE_OK - 1),
		                 42);
		assert_int_equal(r.calls, n);
		assert_int_equal(bst_multipart_feed(m, "x", 1), 42);
		assert_int_equal(bst_multipart_finish(m), 42);
		assert_int_equal(r.calls, n);
		bst_multipart_free(m);
		bst_buf_free(&r.log);
	}
}

static void test_multipart_null_callbacks_are_allowed(void **state)
{
	struct bst_multipart_cb none = {0};
	bst_multipart *m = bst_multipart_new(B, &none, NULL);
	assert_int_equal(bst_multipart_feed(m, SAMPLE_OK, sizeof SAMPLE_OK - 1), 0);
	assert_int_equal(bst_multipart_finish(m), 0);
	bst_multipart_free(m);
}

static void test_multipart_form_collects_text_and_file_names(void **state)
{
	bst_arena *a = bst_arena_new();
	bst_kvlist l;
	assert_int_equal(
	    bst_parse_multipart_form(a, CT, SAMPLE_OK, sizeof SAMPLE_OK - 1, &l),
	    BST_PARSE_OK);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.items[0].key, "title");
	assert_string_equal(l.items[0].value,
	                    "Hello\r\nworld\r\n-- " B " --" B "\r\r\n-");
	assert_string_equal(bst_kv_get(&l, "doc"), "notes.txt");
	assert_string_equal(bst_kv_get(&l, "empty"), "");
	assert_int_equal(l.items[2].value_len, 0);
	bst_arena_free(a);
}

static int form(const char *value, size_t len, bst_kvlist *l, bst_arena *a)
{
	bst_buf body;
	bst_buf_init(&body);
	bst_buf_puts(&body,
	             "--" B "\r\nContent-Disposition: form-data; name=\"t\"\r\n\r\n");
	bst_buf_append(&body, value, len);
	bst_buf_puts(&body, "\r\n--" B "--\r\n");
	int rc = bst_parse_multipart_form(a, CT, body.data, body.len, l);
	bst_buf_free(&body);
	return rc;
}

static void test_multipart_form_text_value_limit_is_64k(void **state)
{
	bst_arena *a = bst_arena_new();
	bst_kvlist l;
	char *v = malloc(64 * 1024 + 1);
	memset(v, 'a', 64 * 1024 + 1);
	assert_int_equal(form(v, 64 * 1024, &l, a), BST_PARSE_OK);
	assert_int_equal(l.items[0].value_len, 64 * 1024);
	assert_int_equal(form(v, 64 * 1024 + 1, &l, a), BST_PARSE_TOO_LARGE);
	assert_int_equal(l.n, 0);
	free(v);
	bst_arena_free(a);
}

static void test_multipart_form_rejects_invalid_text(void **state)
{
	bst_arena *a = bst_arena_new();
	bst_kvlist l;
	assert_int_equal(form("a\0b", 3, &l, a), BST_PARSE_MALFORMED);
	assert_int_equal(form("\xC0\xAF", 2, &l, a), BST_PARSE_MALFORMED);
	assert_int_equal(form("\xED\xA0\x80", 3, &l, a), BST_PARSE_MALFORMED);
	assert_int_equal(form("\xC3", 1, &l, a), BST_PARSE_MALFORMED);
	assert_int_equal(l.n, 0);
	assert_int_equal(form("\xC3\xA9", 2, &l, a), BST_PARSE_OK);
	bst_arena_free(a);
}

static void test_multipart_form_rejects_bad_content_type_and_body(void **state)
{
	bst_arena *a = bst_arena_new();
	bst_kvlist l;
	assert_int_equal(bst_parse_multipart_form(a, "application/json", SAMPLE_OK,
	                                          sizeof SAMPLE_OK - 1, &l),
	                 BST_PARSE_MALFORMED);
	assert_int_equal(
	    bst_parse_multipart_form(a, CT, SAMPLE_OK, sizeof SAMPLE_OK - 70, &l),
	    BST_PARSE_MALFORMED);
	assert_int_equal(l.n, 0);
	bst_arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_multipart_boundary_parses_token_and_quoted),
	    cmocka_unit_test(test_multipart_boundary_accepts_70_chars_rejects_71),
	    cmocka_unit_test(test_multipart_boundary_rejects_bad_content_types),
	    cmocka_unit_test(test_multipart_boundary_rejects_small_output),
	    cmocka_unit_test(test_multipart_new_rejects_invalid_boundary),
	    cmocka_unit_test(test_multipart_parses_parts_preamble_epilogue),
	    cmocka_unit_test(test_multipart_one_byte_at_a_time_gives_same_result),
	    cmocka_unit_test(test_multipart_random_chunks_give_same_result),
	    cmocka_unit_test(test_multipart_every_split_point_gives_same_result),
	    cmocka_unit_test(test_multipart_boundary_with_suffix_in_data_is_malformed),
	    cmocka_unit_test(test_multipart_streams_without_buffering_the_part),
	    cmocka_unit_test(test_multipart_missing_closing_boundary_is_malformed),
	    cmocka_unit_test(test_multipart_transport_padding_is_allowed),
	    cmocka_unit_test(test_multipart_rejects_bad_delimiter_lines),
	    cmocka_unit_test(test_multipart_rejects_bad_part_headers),
	    cmocka_unit_test(test_multipart_header_names_and_params_are_case_insensitive),
	    cmocka_unit_test(test_multipart_filename_loses_path_and_keeps_quotes),
	    cmocka_unit_test(test_multipart_header_block_over_limit_is_too_large),
	    cmocka_unit_test(test_multipart_header_block_at_limit_is_accepted),
	    cmocka_unit_test(test_multipart_too_many_parts_is_too_large),
	    cmocka_unit_test(test_multipart_callback_error_stops_parse_and_sticks),
	    cmocka_unit_test(test_multipart_null_callbacks_are_allowed),
	    cmocka_unit_test(test_multipart_form_collects_text_and_file_names),
	    cmocka_unit_test(test_multipart_form_text_value_limit_is_64k),
	    cmocka_unit_test(test_multipart_form_rejects_invalid_text),
	    cmocka_unit_test(test_multipart_form_rejects_bad_content_type_and_body),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
