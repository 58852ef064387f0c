/* What an access entry keeps of a request, made safe to store and show:
 * the path with secrets scrubbed, texts from the client with control
 * characters neutralised and bounded, and a session reference that names
 * a session without revealing it. Pure functions of their arguments, no
 * HTTP and no database: thread-safe, and fuzzed (tests/fuzz/fuzz_scrub). */
#ifndef BST_AUDIT_ACCESS_H
#define BST_AUDIT_ACCESS_H
#include <stddef.h>
#include <stdint.h>

/* Bounds of what is stored. 512 bytes of user agent: issue #4; 2 KiB of
 * path: more than any route of Bastide with a query a person would type. */
#define BST_AUDIT_UA_MAX   512
#define BST_AUDIT_PATH_MAX 2048
/* What replaces a secret. */
#define BST_AUDIT_REDACTED "[redacted]"
/* Hex digits of a session reference: 64 bits, enough to tell a person's
 * sessions apart, too few to be the session. */
#define BST_AUDIT_SESSION_REF_HEX 16

/* raw_uri as sent ("/reset/abc?next=/x&token=y") into out (outlen >
 * BST_AUDIT_PATH_MAX): the segment after a one-time-link prefix
 * (/activate/, /reset/, /invite/) and the value of every query argument
 * whose name holds a secret word (token, code, pass, key, secret, state,
 * session, auth, sig, ticket, nonce, otp, csrf, saml, credential) become
 * BST_AUDIT_REDACTED; then the text is cleaned as bst_audit_clean does,
 * to at most BST_AUDIT_PATH_MAX bytes. */
void bst_audit_scrub_uri(const char *raw_uri, char *out, size_t outlen);
/* in (may be NULL) into out (outlen > max): valid UTF-8 is kept, every
 * control character (C0, DEL) and every byte of invalid UTF-8 becomes
 * '?', and the result is cut at a character boundary to at most max
 * bytes. */
void bst_audit_clean(const char *in, size_t max, char *out, size_t outlen);
/* A short non-reversible reference of a session: the first 64 bits of
 * BLAKE2b keyed with the platform key over the session token's hash, in
 * hex. "" when token_hash is empty. */
void bst_audit_session_ref(const uint8_t key[32], const char *token_hash,
			   char out[BST_AUDIT_SESSION_REF_HEX + 1]);

#endif
