/* Query strings and application/x-www-form-urlencoded bodies (see parse.h).
 * The WHATWG URL standard's urlencoded parser, made strict: where it would
 * pass a bad escape through or replace invalid UTF-8, we refuse the input. */
#include "http/parse.h"

#include <assert.h>
#include <string.h>

#include "http/parse_internal.h"

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes s[0..len) ('+' is a space, %XX a byte) into a new NUL-terminated
 * arena string; *outlen gets its length. Refuses bad escapes, NUL bytes
 * (escaped or raw) and invalid UTF-8. */
static int decode(bst_arena *a, const char *s, size_t len, char **out, size_t *outlen)
{
	char *d = bst_arena_alloc(a, len + 1);
	size_t n = 0;
	*out = NULL;
	*outlen = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '+') {
			d[n++] = ' ';
		} else if (c == '%') {
			if (len - i < 3)
				return BST_PARSE_MALFORMED;
			int hi = hexval((unsigned char)s[i + 1]);
			int lo = hexval((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0)
				return BST_PARSE_MALFORMED;
			d[n++] = (char)(hi << 4 | lo);
			i += 2;
		} else {
			d[n++] = (char)c;
		}
	}
	/* also catches %00 and raw NUL */
	if (!bst_parse_text_valid(d, n))
		return BST_PARSE_MALFORMED;
	d[n] = '\0';
	*out = d;
	*outlen = n;
	return BST_PARSE_OK;
}

int bst_parse_urlencoded(bst_arena *a, const char *s, size_t len, bst_kvlist *out)
{
	*out = (bst_kvlist){0};
	if (len == 0)
		return BST_PARSE_OK;
	assert(s);

	/* Count first so an oversized input costs one memchr pass, not decoding. */
	size_t pairs = 0;
	for (size_t i = 0; i < len;) {
		const char *amp = memchr(s + i, '&', len - i);
		size_t end = amp ? (size_t)(amp - s) : len;
		if (end > i)
			pairs++;
		i = end + 1;
	}
	if (pairs > BST_PARSE_MAX_FIELDS)
		return BST_PARSE_TOO_LARGE;

	bst_kvlist l = {.items =
	                    bst_arena_alloc(a, (pairs ? pairs : 1) * sizeof(bst_kv))};
	for (size_t i = 0; i < len;) {
		const char *amp = memchr(s + i, '&', len - i);
		size_t end = amp ? (size_t)(amp - s) : len;
		const char *pair = s + i;
		size_t plen = end - i;
		i = end + 1;
		if (plen == 0)
			continue;
		const char *eq = memchr(pair, '=', plen);
		size_t klen = eq ? (size_t)(eq - pair) : plen;
		if (klen == 0)
			return BST_PARSE_MALFORMED;
		char *key, *value;
		size_t keylen, vlen;
		if (decode(a, pair, klen, &key, &keylen) != BST_PARSE_OK)
			return BST_PARSE_MALFORMED;
		if (eq) {
			if (decode(a, eq + 1, plen - klen - 1, &value, &vlen) !=
			    BST_PARSE_OK)
				return BST_PARSE_MALFORMED;
		} else {
			value = bst_arena_alloc(a, 1);
			vlen = 0;
		}
		assert(l.n < pairs);
		l.items[l.n++] = (bst_kv){.key = key, .value = value, .value_len = vlen};
	}
	*out = l;
	return BST_PARSE_OK;
}
