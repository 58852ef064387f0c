/* Field lists produced by the request parsers (see parse.h), and the UTF-8
 * check they share (see parse_internal.h). */
#include "http/parse_internal.h"
#include "core/utf8.h"

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

bool bst_parse_text_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < len;) {
		size_t n = bst_utf8_decode(p + i, len - i, NULL);
		if (n == 0 || p[i] == 0)
			return false;
		i += n;
	}
	return true;
}
