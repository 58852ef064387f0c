/* Cookie request headers (see parse.h). RFC 6265 §4.2.1 syntax, loosened
 * only where browsers and tools differ harmlessly: any number of spaces
 * around ';', empty pairs and a trailing ';'. Everything else outside the
 * grammar (control characters, a value with spaces, commas, backslashes or
 * non-ASCII bytes, a name that is not a token) is refused: a cookie we did
 * not set is of no use to us, and guessing invites confusion attacks. */
#include "http/parse.h"

#include <assert.h>
#include <string.h>

#include "http/parse_internal.h"

/* RFC 7230 §3.2.6 tchar */
static bool is_tchar(unsigned char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return true;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* RFC 6265 §4.1.1 cookie-octet: US-ASCII without CTLs, whitespace, DQUOTE,
 * comma, semicolon and backslash. */
static bool is_cookie_octet(unsigned char c)
{
	return c == 0x21 || (c >= 0x23 && c <= 0x2B) || (c >= 0x2D && c <= 0x3A) ||
	       (c >= 0x3C && c <= 0x5B) || (c >= 0x5D && c <= 0x7E);
}

/* One "name=value" with surrounding spaces already removed. */
static int parse_pair(bst_arena *a, const char *p, size_t len, bst_kv *kv)
{
	const char *eq = memchr(p, '=', len);
	if (!eq || eq == p)
		return BST_PARSE_MALFORMED;
	size_t nlen = (size_t)(eq - p);
	for (size_t i = 0; i < nlen; i++) {
		if (!is_tchar((unsigned char)p[i]))
			return BST_PARSE_MALFORMED;
	}
	const char *v = eq + 1;
	size_t vlen = len - nlen - 1;
	if (vlen > 0 && v[0] == '"') {
		if (vlen < 2 || v[vlen - 1] != '"')
			return BST_PARSE_MALFORMED;
		v++;
		vlen -= 2;
	}
	for (size_t i = 0; i < vlen; i++) {
		if (!is_cookie_octet((unsigned char)v[i]))
			return BST_PARSE_MALFORMED;
	}
	kv->key = bst_arena_strndup(a, p, nlen);
	kv->value = bst_arena_strndup(a, v, vlen);
	kv->value_len = vlen;
	return BST_PARSE_OK;
}

int bst_parse_cookies(bst_arena *a, const char *header, size_t len, bst_kvlist *out)
{
	*out = (bst_kvlist){0};
	if (len == 0)
		return BST_PARSE_OK;
	assert(header);

	size_t pairs = 0;
	for (size_t i = 0; i < len; i++) {
		if (header[i] != ';' && header[i] != ' ' &&
		    (i == 0 || header[i - 1] == ';' || header[i - 1] == ' '))
			pairs++;
	}
	/* pairs over-counts "a=b c=d" (refused below anyway), never under-counts */
	if (pairs > BST_PARSE_MAX_COOKIES)
		return BST_PARSE_TOO_LARGE;

	bst_kvlist l = {.items =
	                    bst_arena_alloc(a, (pairs ? pairs : 1) * sizeof(bst_kv))};
	for (size_t i = 0; i < len;) {
		const char *semi = memchr(header + i, ';', len - i);
		size_t end = semi ? (size_t)(semi - header) : len;
		size_t b = i, e = end;
		i = end + 1;
		while (b < e && header[b] == ' ')
			b++;
		while (e > b && header[e - 1] == ' ')
			e--;
		if (b == e)
			continue;
		assert(l.n < pairs);
		if (parse_pair(a, header + b, e - b, &l.items[l.n]) != BST_PARSE_OK)
			return BST_PARSE_MALFORMED;
		l.n++;
	}
	*out = l;
	return BST_PARSE_OK;
}
