/* Recovery codes (see totp.h): single-use look-up secrets that stand in for
 * the second factor when the authenticator is lost. It owns their alphabet,
 * their printed form and the normalisation applied before hashing; the
 * database only ever sees the hashes. It never logs a code. Thread-safe. */
#include "auth/totp.h"

#include <assert.h>
#include <sodium.h>
#include <string.h>

/* RFC 4648 §6 base32 alphabet, lowercase: it has no 0, 1, 8 or 9, so
 * nothing to mistake for o, l, b or g when a code is read off paper. */
static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
/* 16 characters of 5 bits = 80 bits from the system CSPRNG. NIST SP 800-63B
 * §5.1.2.1 asks look-up secrets for at least 20 bits from an approved random
 * generator; 80 leaves online guessing (rate-limited elsewhere) hopeless.
 * Below 112 bits §5.1.2.2 and OWASP ASVS 2.6.2 also ask a salted hash:
 * what is stored is a MAC of this hash under the platform key, bound to the
 * user (src/auth/mfa.c). */
#define CODE_SYMBOLS  16
#define GROUP_SYMBOLS 4

static_assert(sizeof alphabet - 1 == 32, "one symbol per 5 bits");
static_assert(CODE_SYMBOLS + CODE_SYMBOLS / GROUP_SYMBOLS - 1 == BST_RECOVERY_CHARS,
              "totp.h's BST_RECOVERY_CHARS must match the printed form");

static void code_new(char code[BST_RECOVERY_CHARS + 1])
{
	/* 256 is a multiple of 32, so masking a random byte is unbiased. */
	uint8_t raw[CODE_SYMBOLS];
	bst_random(raw, sizeof raw);
	size_t n = 0;
	for (size_t i = 0; i < CODE_SYMBOLS; i++) {
		if (i > 0 && i % GROUP_SYMBOLS == 0)
			code[n++] = '-';
		code[n++] = alphabet[raw[i] & 31];
	}
	code[n] = '\0';
	assert(n == BST_RECOVERY_CHARS);
	sodium_memzero(raw, sizeof raw);
}

void bst_recovery_codes_new(char codes[BST_RECOVERY_CODES][BST_RECOVERY_CHARS + 1],
                            uint8_t hashes[BST_RECOVERY_CODES][BST_HASH_BYTES])
{
	for (size_t i = 0; i < BST_RECOVERY_CODES; i++) {
		code_new(codes[i]);
		int rc = bst_recovery_hash(codes[i], hashes[i]);
		assert(rc == 0);
		(void)rc;
	}
}

int bst_recovery_hash(const char *typed, uint8_t out[BST_HASH_BYTES])
{
	char norm[CODE_SYMBOLS + 1];
	size_t n = 0;
	int rc = -1;
	memset(out, 0, BST_HASH_BYTES);
	if (!typed)
		goto cleanup;
	for (; *typed; typed++) {
		char c = *typed;
		if (c == '-' || c == ' ')
			continue;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		/* c != '\0' here, so strchr cannot match the terminator. */
		if (n == CODE_SYMBOLS || !strchr(alphabet, c))
			goto cleanup;
		norm[n++] = c;
	}
	if (n != CODE_SYMBOLS)
		goto cleanup;
	norm[n] = '\0';
	bst_token_hash(norm, out);
	rc = 0;
cleanup:
	sodium_memzero(norm, sizeof norm);
	return rc;
}
