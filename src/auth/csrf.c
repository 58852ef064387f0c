/* CSRF tokens and origin checks (see csrf.h). */
#include "auth/csrf.h"

#include <stdio.h>
#include <string.h>

void bst_csrf_token(const uint8_t key[BST_KEY_BYTES], const char *binding,
		    char out[BST_TOKEN_CHARS + 1])
{
	uint8_t mac[BST_HASH_BYTES];
	char msg[160];
	int n = snprintf(msg, sizeof msg, "csrf:%s", binding ? binding : "");
	bst_mac(key, BST_KEY_BYTES, msg, (size_t)n, mac);
	bst_b64url_encode(mac, sizeof mac, out, BST_TOKEN_CHARS + 1);
}

bool bst_csrf_valid(const uint8_t key[BST_KEY_BYTES], const char *binding,
		    const char *submitted)
{
	if (!binding || !binding[0] || !submitted || strlen(submitted) != BST_TOKEN_CHARS)
		return false;
	char expected[BST_TOKEN_CHARS + 1];
	bst_csrf_token(key, binding, expected);
	return bst_consttime_eq(expected, submitted, BST_TOKEN_CHARS);
}

bool bst_csrf_origin_ok(const char *origin, const char *sec_fetch_site,
			const char *expected_origin)
{
	if (sec_fetch_site && strcmp(sec_fetch_site, "same-origin") != 0 &&
	    strcmp(sec_fetch_site, "none") != 0)
		return false;
	if (origin && strcmp(origin, expected_origin) != 0)
		return false;
	return true;
}
