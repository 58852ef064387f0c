/* Cross-site request forgery defences: a synchronizer token per session
 * (or per pre-session cookie, for the sign-in and activation forms),
 * derived with the platform key so nothing needs storing, and the check of
 * Origin / Sec-Fetch-Site on every state-changing request (OWASP CSRF
 * Prevention Cheat Sheet). Thread-safe. */
#ifndef BST_AUTH_CSRF_H
#define BST_AUTH_CSRF_H
#include <stdbool.h>
#include <stdint.h>

#include "core/crypto.h"

/* The form field and header that carry the token. */
#define BST_CSRF_FIELD "csrf"
#define BST_CSRF_HEADER "X-CSRF-Token"

/* Token bound to binding (the session's token hash, or the pre-session
 * cookie) under the platform key. out: BST_TOKEN_CHARS + 1. */
void bst_csrf_token(const uint8_t key[BST_KEY_BYTES], const char *binding,
		    char out[BST_TOKEN_CHARS + 1]);
bool bst_csrf_valid(const uint8_t key[BST_KEY_BYTES], const char *binding,
		    const char *submitted);
/* Origin must equal expected_origin ("http://host:port") when present;
 * Sec-Fetch-Site must be same-origin or none when present. Requests with
 * neither header (old clients, scripts) pass: the token still guards them. */
bool bst_csrf_origin_ok(const char *origin, const char *sec_fetch_site,
			const char *expected_origin);

#endif
