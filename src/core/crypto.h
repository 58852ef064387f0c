/* Crypto wrappers over libsodium: random tokens, token hashing, keyed
 * derivation, key wrapping. Call bst_crypto_init once at start-up; then
 * every function is thread-safe. Nothing here logs a secret. */
#ifndef BST_CORE_CRYPTO_H
#define BST_CORE_CRYPTO_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* 256-bit tokens: OWASP ASVS 3.2.2 asks at least 64 bits of entropy in
 * session tokens, NIST SP 800-63B §5.1.2.2 at least 112 bits for secrets
 * stored with an unsalted hash. 256 everywhere: one size fits sessions,
 * one-time links and API tokens, and a plain hash is then enough. */
#define BST_TOKEN_BYTES 32
/* base64url without padding of 32 bytes */
#define BST_TOKEN_CHARS 43
#define BST_HASH_BYTES 32

int bst_crypto_init(void);
void bst_random(void *out, size_t len);
/* Writes BST_TOKEN_CHARS characters and a NUL into out (size >= 44). */
void bst_token_new(char out[BST_TOKEN_CHARS + 1]);
/* Unkeyed BLAKE2b-256 of a token's text: what the database stores. */
void bst_token_hash(const char *token, uint8_t out[BST_HASH_BYTES]);
/* Keyed BLAKE2b-256 (a MAC) of msg under key. */
void bst_mac(const uint8_t *key, size_t keylen, const void *msg, size_t len,
	     uint8_t out[BST_HASH_BYTES]);
bool bst_consttime_eq(const void *a, const void *b, size_t len);

/* base64url without padding. Encode writes a NUL; returns chars written. */
size_t bst_b64url_encode(const uint8_t *in, size_t len, char *out, size_t outlen);
/* Returns the decoded length, or -1 on malformed input or short output. */
long bst_b64url_decode(const char *in, size_t len, uint8_t *out, size_t outlen);
void bst_hex(const uint8_t *in, size_t len, char *out); /* out: 2*len+1 */

/* Key wrapping: XChaCha20-Poly1305 with the platform slug as associated
 * data, so a wrapped key cannot be moved to another platform. */
#define BST_KEY_BYTES 32
#define BST_WRAPPED_BYTES (24 + BST_KEY_BYTES + 16)
void bst_key_wrap(const uint8_t kek[BST_KEY_BYTES], const uint8_t key[BST_KEY_BYTES],
		  const char *ad, uint8_t out[BST_WRAPPED_BYTES]);
int bst_key_unwrap(const uint8_t kek[BST_KEY_BYTES], const uint8_t in[BST_WRAPPED_BYTES],
		   const char *ad, uint8_t key[BST_KEY_BYTES]);

/* Small secrets at rest (second-factor seeds): XChaCha20-Poly1305 under
 * key with ad as associated data, as hex (nonce || ciphertext || tag).
 * seal: out needs 2 * (24 + len + 16) + 1 bytes. open: returns the
 * plaintext length, or -1 when it does not authenticate. */
#define BST_SEALED_HEX_LEN(n) (2 * (24 + (n) + 16) + 1)
void bst_seal_hex(const uint8_t key[BST_KEY_BYTES], const char *ad, const uint8_t *in,
		  size_t len, char *out);
long bst_open_hex(const uint8_t key[BST_KEY_BYTES], const char *ad, const char *hex,
		  uint8_t *out, size_t outlen);

#endif
