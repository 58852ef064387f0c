/* libFuzzer target: bst_parse_urlencoded on arbitrary bytes; checks that
 * what it accepts keeps the parse.h promises (UTF-8, no NUL, limits). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/parse.h"
#include "http/parse_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bst_arena *a = bst_arena_new();
	bst_kvlist l;
	int rc = bst_parse_urlencoded(a, (const char *)data, size, &l);
	if (rc == BST_PARSE_OK) {
		if (l.n > BST_PARSE_MAX_FIELDS)
			abort();
		for (size_t i = 0; i < l.n; i++) {
			const bst_kv *kv = &l.items[i];
			if (!kv->key[0] ||
			    !bst_parse_text_valid(kv->key, strlen(kv->key)) ||
			    strlen(kv->value) != kv->value_len ||
			    !bst_parse_text_valid(kv->value, kv->value_len))
				abort();
		}
		if (l.n && bst_kv_get(&l, l.items[0].key) != l.items[0].value)
			abort();
	} else if ((rc != BST_PARSE_MALFORMED && rc != BST_PARSE_TOO_LARGE) || l.n != 0) {
		abort();
	}
	bst_arena_free(a);
	return 0;
}
