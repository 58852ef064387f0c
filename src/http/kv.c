/* Field lists produced by the request parsers (see parse.h), and the UTF-8
 * check they share (see parse_internal.h). */
#include "http/parse_internal.h"

#include <assert.h>
#include <string.h>

/* First growth step of a list; doubling from here keeps pushes amortised O(1). */
#define KV_INITIAL_CAP 8

const char *bst_kv_get(const bst_kvlist *l, const char *key)
{
	if (!l || !key)
		return NULL;
	for (size_t i = 0; i < l->n; i++) {
		if (strcmp(l->items[i].key, key) == 0)
			return l->items[i].value;
	}
	return NULL;
}

void bst_kv_push(bst_arena *a, bst_kvlist *l, size_t *cap, const char *key,
                 const char *value, size_t value_len)
{
	assert(l->n <= *cap);
	if (l->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : KV_INITIAL_CAP;
		bst_kv *items = bst_arena_alloc(a, ncap * sizeof *items);
		if (l->n)
			memcpy(items, l->items, l->n * sizeof *items);
		l->items = items;
		*cap = ncap;
	}
	l->items[l->n++] = (bst_kv){.key = key, .value = value, .value_len = value_len};
}

/* Number of continuation bytes after lead byte c and the allowed range of
 * the first of them (RFC 3629 §4 table): that range is what excludes
 * overlong forms (E0, F0), surrogates (ED) and code points past U+10FFFF (F4). */
static int utf8_lead(unsigned char c, unsigned char *lo, unsigned char *hi)
{
	*lo = 0x80;
	*hi = 0xBF;
	if (c >= 0xC2 && c <= 0xDF)
		return 1;
	if (c == 0xE0) {
		*lo = 0xA0;
		return 2;
	}
	if (c == 0xED) {
		*hi = 0x9F;
		return 2;
	}
	if (c >= 0xE1 && c <= 0xEF)
		return 2;
	if (c == 0xF0) {
		*lo = 0x90;
		return 3;
	}
	if (c == 0xF4) {
		*hi = 0x8F;
		return 3;
	}
	if (c >= 0xF1 && c <= 0xF3)
		return 3;
	return -1; /* 80..C1 (continuation, overlong 2-byte) and F5..FF */
}

bool bst_parse_text_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < len) {
		unsigned char c = p[i];
		if (c == 0)
			return false;
		if (c < 0x80) {
			i++;
			continue;
		}
		unsigned char lo, hi;
		int n = utf8_lead(c, &lo, &hi);
		if (n < 0 || len - i - 1 < (size_t)n)
			return false;
		if (p[i + 1] < lo || p[i + 1] > hi)
			return false;
		for (int k = 2; k <= n; k++) {
			if ((p[i + k] & 0xC0) != 0x80)
				return false;
		}
		i += (size_t)n + 1;
	}
	return true;
}
