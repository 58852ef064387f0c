/* Passwords (see password.h): the policy check on what a person chooses and
 * Argon2id hashing through libsodium. It owns the hashing parameters and the
 * dummy hash that makes unknown accounts cost as much as known ones. It must
 * never log, copy or keep a password. Thread-safe: the only shared state is
 * the dummy hash, computed once under pthread_once. */
#include "auth/password.h"
#include "core/utf8.h"

#include <assert.h>
#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <string.h>

#include "core/i18n.h" /* N_: the text is translated where it is shown */
#include "core/log.h"

/* OWASP Password Storage Cheat Sheet, Argon2id: "a minimum configuration of
 * 19 MiB of memory, an iteration count of 2, and 1 degree of parallelism".
 * libsodium's Argon2id always uses p = 1. */
#define BST_ARGON2_MEMLIMIT ((size_t)19 * 1024 * 1024)
#define BST_ARGON2_OPSLIMIT 2ULL

static_assert(BST_PASSWORD_HASH_BYTES == crypto_pwhash_STRBYTES,
              "password.h must follow libsodium's hash string size");
/* The verdict text below spells the minimum out for translators. */
static_assert(BST_PASSWORD_MIN_CHARS == 12, "update the TOO_SHORT verdict text");
/* A local part this short is too common a substring to refuse. */
#define MIN_LOCAL_PART_CHARS 3

/* C0, DEL and C1 control characters. */
static bool is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

static unsigned char ascii_lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a') : c;
}

static bool ascii_case_equal(const char *a, const char *b, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (ascii_lower((unsigned char)a[i]) != ascii_lower((unsigned char)b[i]))
			return false;
	return true;
}

/* Whether the password equals the e-mail's local part (the text before its
 * last '@'; the whole string if there is none), or contains it when it is at
 * least MIN_LOCAL_PART_CHARS bytes long. ASCII letters compare without case. */
static bool contains_local_part(const char *password, size_t pwlen, const char *email)
{
	const char *at = strrchr(email, '@');
	size_t local = at ? (size_t)(at - email) : strlen(email);
	if (local == 0)
		return false;
	if (local == pwlen && ascii_case_equal(password, email, local))
		return true;
	if (local < MIN_LOCAL_PART_CHARS || local > pwlen)
		return false;
	for (size_t i = 0; i + local <= pwlen; i++)
		if (ascii_case_equal(password + i, email, local))
			return true;
	return false;
}

enum bst_password_verdict bst_password_check(const char *password, const char *email)
{
	if (!password)
		return BST_PASSWORD_INVALID;
	/* Bounded so a huge input costs no more than the limit to refuse. */
	size_t len = strnlen(password, BST_PASSWORD_MAX_BYTES + 1);
	if (len > BST_PASSWORD_MAX_BYTES)
		return BST_PASSWORD_TOO_LONG;

	size_t chars = 0;
	const unsigned char *p = (const unsigned char *)password;
	while (*p) {
		uint32_t cp;
		size_t n = bst_utf8_decode(p, 4, &cp);
		if (n == 0 || is_control(cp))
			return BST_PASSWORD_INVALID;
		p += n;
		chars++;
	}
	if (chars < BST_PASSWORD_MIN_CHARS)
		return BST_PASSWORD_TOO_SHORT;
	if (email && contains_local_part(password, len, email))
		return BST_PASSWORD_CONTAINS_EMAIL;
	return BST_PASSWORD_OK;
}

const char *bst_password_verdict_text(enum bst_password_verdict v)
{
	switch (v) {
	case BST_PASSWORD_OK:
		return N_("The password is acceptable.");
	case BST_PASSWORD_TOO_SHORT:
		return N_("The password must be at least 12 characters long.");
	case BST_PASSWORD_TOO_LONG:
		return N_("The password is too long.");
	case BST_PASSWORD_CONTAINS_EMAIL:
		return N_("The password must not contain the part of your e-mail address "
		          "before the @.");
	case BST_PASSWORD_INVALID:
		return N_(
		    "The password contains characters that are not allowed, such as "
		    "control characters.");
	}
	return N_("The password is not acceptable.");
}

int bst_password_hash(const char *password, char out[BST_PASSWORD_HASH_BYTES])
{
	out[0] = '\0';
	if (!password)
		return -1;
	size_t len = strnlen(password, BST_PASSWORD_MAX_BYTES + 1);
	if (len > BST_PASSWORD_MAX_BYTES)
		return -1;
	if (crypto_pwhash_str_alg(out, password, len, BST_ARGON2_OPSLIMIT,
	                          BST_ARGON2_MEMLIMIT,
	                          crypto_pwhash_ALG_ARGON2ID13) != 0) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}

bool bst_password_verify(const char *hash, const char *password)
{
	if (!hash || !password)
		return false;
	/* libsodium reads the hash as a C string within crypto_pwhash_STRBYTES. */
	if (strnlen(hash, BST_PASSWORD_HASH_BYTES) == BST_PASSWORD_HASH_BYTES)
		return false;
	/* bst_password_hash never hashed a longer one; bst_password_verify_dummy
	 * refuses it the same way, so the refusal reveals nothing about accounts. */
	size_t len = strnlen(password, BST_PASSWORD_MAX_BYTES + 1);
	if (len > BST_PASSWORD_MAX_BYTES)
		return false;
	return crypto_pwhash_str_verify(hash, password, len) == 0;
}

static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char dummy_hash[BST_PASSWORD_HASH_BYTES];
static bool dummy_ready;

static void dummy_init(void)
{
	/* A random password nobody knows: the dummy hash matches nothing. */
	uint8_t secret[32];
	char text[sizeof secret * 2 + 1];
	randombytes_buf(secret, sizeof secret);
	sodium_bin2hex(text, sizeof text, secret, sizeof secret);
	dummy_ready = bst_password_hash(text, dummy_hash) == 0;
	sodium_memzero(secret, sizeof secret);
	sodium_memzero(text, sizeof text);
	if (!dummy_ready)
		bst_log_error("password: cannot compute the dummy hash (out of memory); "
		              "unknown accounts fall back to a raw Argon2id computation");
}

void bst_password_verify_dummy(const char *password)
{
	if (!password)
		return;
	size_t len = strnlen(password, BST_PASSWORD_MAX_BYTES + 1);
	if (len > BST_PASSWORD_MAX_BYTES)
		return;
	pthread_once(&dummy_once, dummy_init);
	if (dummy_ready) {
		/* gcc ignores (void) on warn_unused_result: keep the value */
		int ignored = crypto_pwhash_str_verify(dummy_hash, password, len);
		(void)ignored;
		return;
	}
	/* Same algorithm and cost, so the time spent still matches a verification. */
	uint8_t key[32];
	uint8_t salt[crypto_pwhash_SALTBYTES] = {0};
	int ignored = crypto_pwhash(key, sizeof key, password, len, salt, BST_ARGON2_OPSLIMIT,
	                            BST_ARGON2_MEMLIMIT, crypto_pwhash_ALG_ARGON2ID13);
	(void)ignored;
	sodium_memzero(key, sizeof key);
}

bool bst_password_needs_rehash(const char *hash)
{
	if (!hash || strnlen(hash, BST_PASSWORD_HASH_BYTES) == BST_PASSWORD_HASH_BYTES)
		return true;
	/* 1: other parameters or Argon2i; -1: not a hash libsodium knows. */
	return crypto_pwhash_str_needs_rehash(hash, BST_ARGON2_OPSLIMIT,
	                                      BST_ARGON2_MEMLIMIT) != 0;
}
