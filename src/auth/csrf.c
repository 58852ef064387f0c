/* CSRF tokens and origin checks (see csrf.h). */
#include "auth/csrf.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

void bst_csrf_token(const uint8_t key[BST_KEY_BYTES], const char *binding,
		    char out[BST_TOKEN_CHARS + 1])
{
	/* streamed, so a binding of any length (the pre-session cookie comes
	 * from the client) is hashed whole and never copied */
	static const char label[] = "csrf:";
	uint8_t mac[BST_HASH_BYTES];
	crypto_generichash_state st;
	crypto_generichash_init(&st, key, BST_KEY_BYTES, sizeof mac);
	crypto_generichash_update(&st, (const unsigned char *)label, sizeof label - 1);
	if (binding)
		crypto_generichash_update(&st, (const unsigned char *)binding, strlen(binding));
	crypto_generichash_final(&st, mac, sizeof mac);
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
