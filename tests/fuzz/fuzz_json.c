/* libFuzzer target: bst_parse_json on arbitrary bytes; checks that an
 * accepted body is an object within the depth limit and that every error
 * sentence is printable ASCII. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Depth of v counting containers only, walking at most limit + 1 levels. */
static int depth(json_t *v, int limit)
{
	if (!json_is_object(v) && !json_is_array(v))
		return 0;
	if (limit < 0)
		return 1;
	int max = 0;
	if (json_is_object(v)) {
		const char *k;
		json_t *c;
		json_object_foreach(v, k, c)
		{
			int d = depth(c, limit - 1);
			max = d > max ? d : max;
		}
	} else {
		size_t i;
		json_t *c;
		json_array_foreach(v, i, c)
		{
			int d = depth(c, limit - 1);
			max = d > max ? d : max;
		}
	}
	return max + 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[200];
	json_t *v = (json_t *)1;
	int rc = bst_parse_json((const char *)data, size, &v, err, sizeof err);
	if (rc == BST_PARSE_OK) {
		if (!json_is_object(v) ||
		    depth(v, BST_PARSE_MAX_JSON_DEPTH) > BST_PARSE_MAX_JSON_DEPTH)
			abort();
		json_decref(v);
	} else {
		if (rc != BST_PARSE_MALFORMED || v != NULL || !err[0])
			abort();
		for (const char *p = err; *p; p++) {
			if (*p < 0x20 || *p > 0x7E)
				abort();
		}
	}
	return 0;
}
