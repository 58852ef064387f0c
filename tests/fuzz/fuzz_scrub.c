/* libFuzzer target for what the access trail keeps of a request
 * (src/audit/access.c): the request URI scrubbed of secrets and the user
 * agent cleaned. Promises checked: the results are at most their bounds,
 * hold no control character and only valid UTF-8 (cleaning them again
 * changes nothing), and a secret argument's value never survives. */
#include "audit/access.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_clean(const char *s, size_t max)
{
	static char again[BST_AUDIT_PATH_MAX + 1];
	if (strlen(s) > max)
		abort();
	bst_audit_clean(s, max, again, sizeof again);
	if (strcmp(s, again) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = malloc(size + 1);
	if (!in)
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';
	static char out[BST_AUDIT_PATH_MAX + 1];
	bst_audit_scrub_uri(in, out, sizeof out);
	check_clean(out, BST_AUDIT_PATH_MAX);
	/* in a clean input (cleaning would turn bytes into '?', which reads as
	 * a query), "token=" right after '?' or '&' in the query is always
	 * followed by the mark */
	static char plain[BST_AUDIT_PATH_MAX + 1];
	bst_audit_clean(in, BST_AUDIT_PATH_MAX, plain, sizeof plain);
	bool clean_input = strcmp(plain, in) == 0;
	for (const char *p = strstr(out, "token="); clean_input && p; p = strstr(p + 1, "token="))
		if (strchr(out, '?') && strchr(out, '?') < p &&
		    (p[-1] == '&' || p == strchr(out, '?') + 1) &&
		    strncmp(p + 6, BST_AUDIT_REDACTED, strlen(BST_AUDIT_REDACTED)) != 0 &&
		    strlen(p + 6) >= strlen(BST_AUDIT_REDACTED))
			abort();
	static char ua[BST_AUDIT_UA_MAX + 1];
	bst_audit_clean(in, BST_AUDIT_UA_MAX, ua, sizeof ua);
	check_clean(ua, BST_AUDIT_UA_MAX);
	free(in);
	return 0;
}
