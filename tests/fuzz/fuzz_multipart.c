/* libFuzzer target: the streaming multipart parser. Input: a first line
 * taken as the Content-Type value (a fixed boundary is used when it has
 * none), one byte seeding the chunk sizes, then the body. The body is
 * parsed whole, in those chunks and one byte at a time; the three runs must
 * report the same parts, the same contents and the same result. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "http/parse.h"
#include "http/parse_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FALLBACK_BOUNDARY "XyZzy"
/* Byte-at-a-time costs a call per byte; beyond this size the chunked run
 * already covers the splitting. */
#define BYTEWISE_MAX 4096

struct log {
	bst_buf b;
	bool in_data;
};

static void check(bool ok)
{
	if (!ok)
		abort();
}

static int on_begin(void *cls, const char *name, const char *filename, const char *ctype)
{
	struct log *l = cls;
	check(name[0] && bst_parse_text_valid(name, strlen(name)));
	if (filename)
		check(!strpbrk(filename, "/\\") &&
		      bst_parse_text_valid(filename, strlen(filename)));
	l->in_data = false;
	bst_buf_putc(&l->b, 'B');
	bst_buf_append(&l->b, name, strlen(name) + 1);
	bst_buf_puts(&l->b, filename ? "F" : "-");
	if (filename)
		bst_buf_append(&l->b, filename, strlen(filename) + 1);
	bst_buf_puts(&l->b, ctype ? "T" : "-");
	if (ctype)
		bst_buf_append(&l->b, ctype, strlen(ctype) + 1);
	return 0;
}

static int on_data(void *cls, const char *d, size_t len)
{
	struct log *l = cls;
	check(len > 0);
	if (!l->in_data)
		bst_buf_putc(&l->b, 'D');
	l->in_data = true;
	bst_buf_append(&l->b, d, len);
	return 0;
}

static int on_end(void *cls)
{
	struct log *l = cls;
	l->in_data = false;
	bst_buf_putc(&l->b, 'E');
	return 0;
}

static const struct bst_multipart_cb cb = {on_begin, on_data, on_end};

/* Parses body in pieces of at most step bytes (0: random sizes from seed). */
static int run(const char *boundary, const uint8_t *body, size_t len, size_t step,
               uint32_t seed, struct log *l)
{
	bst_multipart *m = bst_multipart_new(boundary, &cb, l);
	check(m != NULL);
	int rc = 0;
	size_t off = 0;
	while (off < len && rc == 0) {
		size_t n = step;
		if (!n) {
			seed = seed * 1103515245u + 12345u;
			n = 1 + (seed >> 16) % 97;
		}
		if (n > len - off)
			n = len - off;
		rc = bst_multipart_feed(m, (const char *)body + off, n);
		off += n;
	}
	if (rc == 0)
		rc = bst_multipart_finish(m);
	check(bst_multipart_feed(m, "", 0) == rc); /* errors are sticky */
	bst_multipart_free(m);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	if (!nl || (size_t)(nl - data) > 1024 || size - (size_t)(nl - data) < 2)
		return 0;
	char ctype[1025];
	memcpy(ctype, data, (size_t)(nl - data));
	ctype[nl - data] = '\0';
	uint32_t seed = nl[1];
	const uint8_t *body = nl + 2;
	size_t len = size - (size_t)(body - data);

	char boundary[71];
	bool have_ct = bst_multipart_boundary(ctype, boundary, sizeof boundary) == 0;
	if (!have_ct)
		memcpy(boundary, FALLBACK_BOUNDARY, sizeof FALLBACK_BOUNDARY);

	struct log whole = {0}, chunked = {0}, bytewise = {0};
	int rc_whole = run(boundary, body, len, len ? len : 1, 0, &whole);
	int rc_chunked = run(boundary, body, len, 0, seed, &chunked);
	check(rc_whole == rc_chunked && whole.b.len == chunked.b.len &&
	      memcmp(bst_buf_str(&whole.b), bst_buf_str(&chunked.b), whole.b.len) == 0);
	if (len <= BYTEWISE_MAX) {
		int rc_bytes = run(boundary, body, len, 1, 0, &bytewise);
		check(rc_whole == rc_bytes && whole.b.len == bytewise.b.len &&
		      memcmp(bst_buf_str(&whole.b), bst_buf_str(&bytewise.b),
		             whole.b.len) == 0);
	}
	bst_buf_free(&whole.b);
	bst_buf_free(&chunked.b);
	bst_buf_free(&bytewise.b);

	if (have_ct) {
		bst_arena *a = bst_arena_new();
		bst_kvlist l;
		int rc = bst_parse_multipart_form(a, ctype, (const char *)body, len, &l);
		if (rc == 0) {
			check(l.n <= BST_PARSE_MAX_FIELDS);
			for (size_t i = 0; i < l.n; i++)
				check(strlen(l.items[i].value) == l.items[i].value_len &&
				      bst_parse_text_valid(l.items[i].value,
				                           l.items[i].value_len));
		} else {
			check(l.n == 0);
		}
		bst_arena_free(a);
	}
	return 0;
}
