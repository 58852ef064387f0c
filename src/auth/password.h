/* Passwords: the policy (length, not the e-mail's local part) and Argon2id
 * hashing through libsodium, with re-hash when parameters change.
 * Thread-safe. Never logs a password. */
#ifndef BST_AUTH_PASSWORD_H
#define BST_AUTH_PASSWORD_H
#include <stdbool.h>
#include <stddef.h>

/* NIST SP 800-63B §5.1.1.2 asks at least 8; the issue (and ANSSI's guide for
 * passwords without other factors) asks at least 12 characters. */
#define BST_PASSWORD_MIN_CHARS 12
/* Bounds the Argon2 input so a huge password is not a denial of service. */
#define BST_PASSWORD_MAX_BYTES 1024
/* crypto_pwhash_STRBYTES */
#define BST_PASSWORD_HASH_BYTES 128

enum bst_password_verdict {
	BST_PASSWORD_OK = 0,
	BST_PASSWORD_TOO_SHORT,        /* fewer than 12 characters (code points) */
	BST_PASSWORD_TOO_LONG,         /* more than BST_PASSWORD_MAX_BYTES */
	BST_PASSWORD_CONTAINS_EMAIL,   /* equals or contains the e-mail's local part */
	BST_PASSWORD_INVALID,          /* not valid UTF-8, or control characters */
};

/* email may be NULL. The comparison with the local part ignores case. */
enum bst_password_verdict bst_password_check(const char *password, const char *email);
/* A gettext msgid describing the verdict, for the user. */
const char *bst_password_verdict_text(enum bst_password_verdict v);

/* Argon2id, parameters in password.c. Returns 0 or -1 (out of memory). */
int bst_password_hash(const char *password, char out[BST_PASSWORD_HASH_BYTES]);
/* Constant time in the password; false for a malformed hash. */
bool bst_password_verify(const char *hash, const char *password);
/* Spends the same time as a verification, for unknown accounts, so that
 * timing does not reveal whether an account exists. */
void bst_password_verify_dummy(const char *password);
bool bst_password_needs_rehash(const char *hash);

#endif
